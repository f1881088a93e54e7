/**
 * Benchmarks of autoscaling and durable state in the embedded gateway (issue 12, items 4 and 5),
 * against the shipped node20 template's function built on the host, the gateway in its own
 * process (bench/local-gateway.ts), as `faas gateway` runs it:
 *  1. 64 connections of load on a function labelled min=1, max=5, target=5, type=capacity:
 *     seconds to 5 replicas (target ≤ 10 s), seconds back to 1 once the load ends (≤ 60 s);
 *  2. a function with scale.zero=true and zero-duration=10s: replicas 15 s after its last call
 *     (target 0), and the time of the next call (the cold start) beside a warm call;
 *  3. 100 async calls accepted, the gateway killed with kill -9 and started again: callbacks
 *     received for distinct accepted calls (target 100/100).
 * Run directly: node dist/bench/scaling.js
 */
import type {ChildProcess} from 'node:child_process'
import {promises as fs} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {buildNode20, cannon, startGatewayProcess} from './local.js'
import type {Figure} from './util.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function call(url: string, init: RequestInit = {}): Promise<{status: number; text: string; headers: Headers}> {
  const res = await fetch(url, init)
  return {status: res.status, text: await res.text(), headers: res.headers}
}

async function deploy(gw: string, service: string, image: string, labels: Record<string, string>): Promise<void> {
  const r = await call(`${gw}/system/functions`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({service, image, labels})})
  if (r.status !== 202) throw new Error(`deploy ${service}: ${r.status} ${r.text}`)
}

async function status(gw: string, name: string): Promise<{replicas: number; available: number}> {
  const s = JSON.parse((await call(`${gw}/system/function/${name}`)).text) as {replicas?: number; availableReplicas?: number}
  return {replicas: s.replicas ?? 0, available: s.availableReplicas ?? 0}
}

/** Polls until `ok` or `timeoutMs`; resolves with the ms it took (or undefined on timeout). */
async function timeUntil(ok: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<number | undefined> {
  const start = performance.now()
  while (performance.now() - start < timeoutMs) {
    if (await ok()) return performance.now() - start
    await sleep(everyMs)
  }
  return undefined
}

const SLOW_HANDLER = `'use strict'
module.exports = async (event, context) => {
  await new Promise((r) => setTimeout(r, 20))
  return context.status(200).succeed({got: event.body})
}
`

export async function benchScaling(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<Figure[]> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'faas-bench-scaling-'))
  const indexPath = path.join(work, 'images', 'index.json')
  const env = {...process.env, FAAS_IMAGE_INDEX: indexPath}
  const children: ChildProcess[] = []
  const options = {port: 0, dataDir: path.join(work, 'gateway'), imageIndexPath: indexPath, version: 'bench'}
  const figures: Figure[] = []
  try {
    await buildNode20(work, indexPath)
    await buildNode20(work, indexPath, 'slow', SLOW_HANDLER)
    let gw = await startGatewayProcess(options, env)
    children.push(gw.child)

    // 1. capacity scaling under 64 connections
    const p = 'com.openfaas.scale.'
    await deploy(gw.url, 'busy', 'bench/hello:latest', {[p + 'min']: '1', [p + 'max']: '5', [p + 'target']: '5', [p + 'type']: 'capacity'})
    await timeUntil(async () => (await status(gw.url, 'busy')).available === 1, 10_000)
    log('capacity: 64 connections for 20 s on min=1 max=5 target=5 type=capacity')
    const loadStart = performance.now()
    const load = cannon({url: `${gw.url}/function/busy`, connections: 64, duration: 20})
    let toFive: number | undefined
    let toFiveReady: number | undefined
    let peak = 0
    const watch = (async () => {
      while (performance.now() - loadStart < 20_000) {
        const s = await status(gw.url, 'busy')
        peak = Math.max(peak, s.replicas)
        if (toFive === undefined && s.replicas >= 5) toFive = performance.now() - loadStart
        if (toFiveReady === undefined && s.available >= 5) toFiveReady = performance.now() - loadStart
        await sleep(100)
      }
    })()
    const result = await load
    await watch
    const failed = result.non2xx + result.errors + result.timeouts
    const backToOne = await timeUntil(async () => (await status(gw.url, 'busy')).replicas === 1, 90_000, 250)
    log(`  5 replicas after ${((toFive ?? NaN) / 1000).toFixed(1)} s (all ready after ${((toFiveReady ?? NaN) / 1000).toFixed(1)} s), peak ${peak}; ${result.requests.total} requests, ${failed} failed (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; p99 ${result.latency.p99} ms)`)
    log(`  back to 1 replica ${((backToOne ?? NaN) / 1000).toFixed(1)} s after the load ended`)
    figures.push(
      {name: 'scaling: 64 conns, capacity target 5 → 5 replicas after', value: Number(((toFive ?? Infinity) / 1000).toFixed(1)), unit: 's', target: '<= 10', ok: toFive !== undefined && toFive <= 10_000},
      {name: 'scaling: ... all 5 replicas ready after', value: Number(((toFiveReady ?? Infinity) / 1000).toFixed(1)), unit: 's'},
      {name: 'scaling: failed requests during the scale-up', value: failed, unit: 'req', target: '== 0', ok: failed === 0},
      {name: 'scaling: back to 1 replica after the load ended', value: Number(((backToOne ?? Infinity) / 1000).toFixed(1)), unit: 's', target: '<= 60', ok: backToOne !== undefined && backToOne <= 60_000},
    )

    // 2. scale to zero, then a cold start
    await deploy(gw.url, 'sleepy', 'bench/hello:latest', {[p + 'zero']: 'true', [p + 'zero-duration']: '10s'})
    await timeUntil(async () => (await status(gw.url, 'sleepy')).available === 1, 10_000)
    let t = performance.now()
    await call(`${gw.url}/function/sleepy`)
    const warm = performance.now() - t
    const lastCall = performance.now()
    const toZero = await timeUntil(async () => (await status(gw.url, 'sleepy')).replicas === 0, 30_000, 100)
    await sleep(Math.max(0, 15_000 - (performance.now() - lastCall)))
    const at15 = (await status(gw.url, 'sleepy')).replicas
    t = performance.now()
    const cold = await call(`${gw.url}/function/sleepy`)
    const coldMs = performance.now() - t
    log(`scale to zero: 0 replicas ${((toZero ?? NaN) / 1000).toFixed(1)} s after the last call; at 15 s: ${at15} replica(s)`)
    log(`  cold start ${coldMs.toFixed(0)} ms (status ${cold.status}) vs a warm call ${warm.toFixed(1)} ms`)
    figures.push(
      {name: 'scaling: zero-duration 10s → 0 replicas after', value: Number(((toZero ?? Infinity) / 1000).toFixed(1)), unit: 's'},
      {name: 'scaling: replicas 15 s after the last call', value: at15, unit: '', target: '== 0', ok: at15 === 0},
      {name: 'scaling: cold start (call to a function at 0 replicas)', value: Math.round(coldMs), unit: 'ms', ok: cold.status === 200},
      {name: 'scaling: the same call, warm', value: Number(warm.toFixed(1)), unit: 'ms'},
    )

    // 3. 100 async calls, kill -9, restart
    await deploy(gw.url, 'slow', 'bench/slow:latest', {})
    await timeUntil(async () => (await status(gw.url, 'slow')).available === 1, 10_000)
    const received = new Set<string>()
    const receiver = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        if (req.headers['x-function-status'] === '200') received.add(String(req.headers['x-call-id']))
        res.end()
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()))
    const cb = `http://127.0.0.1:${(receiver.address() as {port: number}).port}/cb`
    const accepted: string[] = []
    t = performance.now()
    for (let i = 0; i < 100; i++) {
      const r = await call(`${gw.url}/async-function/slow`, {method: 'POST', body: `call ${i}`, headers: {'X-Callback-Url': cb}})
      if (r.status === 202) accepted.push(r.headers.get('x-call-id')!)
    }
    const acceptMs = performance.now() - t
    gw.child.kill('SIGKILL')
    await new Promise((r) => gw.child.once('exit', r))
    const doneBeforeKill = accepted.filter((id) => received.has(id)).length
    const onDisk = (await fs.readdir(path.join(options.dataDir, 'async'))).length
    log(`async: ${accepted.length} accepted in ${acceptMs.toFixed(0)} ms (${(acceptMs / accepted.length).toFixed(2)} ms per 202), killed with -9: ${doneBeforeKill} done before, ${onDisk} on disk`)
    t = performance.now()
    gw = await startGatewayProcess(options, env)
    children.push(gw.child)
    await timeUntil(async () => accepted.every((id) => received.has(id)), 60_000, 100)
    const afterRestart = accepted.filter((id) => received.has(id)).length
    const leftFiles = await timeUntil(async () => (await fs.readdir(path.join(options.dataDir, 'async'))).length === 0, 5000)
    log(`  after the restart: ${afterRestart}/${accepted.length} calls answered by callback within ${((performance.now() - t) / 1000).toFixed(1)} s; queue folder ${leftFiles === undefined ? 'NOT empty' : 'empty'}`)
    receiver.close()
    figures.push(
      {name: 'durable: async calls run after kill -9 + restart', value: afterRestart, unit: `/${accepted.length}`, target: '== 100/100', ok: afterRestart === 100 && accepted.length === 100},
      {name: 'durable: of which pending at the kill', value: accepted.length - doneBeforeKill, unit: 'calls'},
      {name: 'durable: time to accept one async call (202, on disk)', value: Number((acceptMs / accepted.length).toFixed(2)), unit: 'ms'},
    )
    return figures
  } finally {
    for (const c of children) c.kill('SIGTERM')
    await sleep(300)
    await fs.rm(work, {recursive: true, force: true})
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const figures = await benchScaling()
  for (const f of figures) {
    const verdict = f.ok === undefined ? '' : f.ok ? '  ok' : '  MISSED'
    process.stdout.write(`${f.name.padEnd(60)} ${String(f.value).padStart(10)} ${f.unit.padEnd(6)}${f.target ? ` target ${f.target}` : ''}${verdict}\n`)
  }
}
