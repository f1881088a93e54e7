/**
 * Benchmarks of the container-less runtime (issue 6), on loopback with autocannon:
 *  1. http mode, client → embedded gateway → node20 handler vs. the handler's own server called
 *     directly, side by side in one run (target: gateway ≥ 0.25× direct);
 *  2. fork-per-call (classic) mode with `cat` through the gateway (target: ≥ 500 req/s);
 *  3. soak: 64 connections against the node20 function through the gateway (target: no failed
 *     request, gateway RSS growth < 20 MB).
 * The gateway runs in its own process (bench/local-gateway.ts), like `faas gateway`.
 * Run directly: node dist/bench/local.js [--quick]
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {promises as fs} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {buildOnHost, readHostSpec} from '../src/local/host-builder.js'
import {freeLoopbackPort as freePort} from '../src/util/ports.js'
import {repoRoot, type Figure} from './util.js'

export interface CannonResult {
  requests: {average: number; total: number}
  latency: {p99: number; average: number}
  non2xx: number
  errors: number
  timeouts: number
  '2xx': number
}

export interface LocalBenchOptions {
  /** Seconds per throughput run (default 10). */
  durationS?: number
  /** Seconds of the soak run (default 30). */
  soakS?: number
  connections?: number
  soakConnections?: number
  log?: (line: string) => void
}

export async function cannon(opts: {url: string; connections: number; duration: number; method?: string; body?: string}): Promise<CannonResult> {
  const name = 'autocannon' // no type declarations are installed for it
  const mod = (await import(name)) as {default: (o: unknown) => Promise<CannonResult>}
  return mod.default({...opts, pipelining: 1})
}

export function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect(port, '127.0.0.1')
      s.once('connect', () => {
        s.destroy()
        resolve()
      })
      s.once('error', () => {
        s.destroy()
        if (Date.now() - started > timeoutMs) reject(new Error(`port ${port} did not open`))
        else setTimeout(attempt, 25)
      })
    }
    attempt()
  })
}

async function rssBytes(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024
}

export async function post(url: string, body: unknown): Promise<number> {
  const res = await fetch(url, {method: 'POST', body: JSON.stringify(body), headers: {'Content-Type': 'application/json'}})
  await res.arrayBuffer()
  return res.status
}

export function startGatewayProcess(options: Record<string, unknown>, env: NodeJS.ProcessEnv): Promise<{child: ChildProcess; url: string}> {
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'local-gateway.js')
  const child = spawn(process.execPath, [entry, JSON.stringify(options)], {env, stdio: ['ignore', 'pipe', 'inherit']})
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /READY (\S+)/.exec(out)
      if (m) resolve({child, url: m[1]})
    })
    child.on('exit', (code) => reject(new Error(`gateway exited with ${code}`)))
  })
}

/** Builds the shipped node20 template's sample function (or `handler`) with the host builder. */
export async function buildNode20(work: string, indexPath: string, name = 'hello', handler?: string): Promise<string> {
  const template = path.join(repoRoot, 'templates-store', 'template', 'node20')
  const context = path.join(work, 'build', name)
  await fs.cp(template, context, {recursive: true})
  if (handler !== undefined) await fs.writeFile(path.join(context, 'function', 'handler.js'), handler)
  const host = await readHostSpec(template)
  const result = await buildOnHost({contextDir: context, image: `bench/${name}:latest`, host, functionName: name, lang: 'node20', indexPath})
  return result.dir
}

export async function benchLocal(options: LocalBenchOptions = {}): Promise<Figure[]> {
  const quick = process.argv.includes('--quick')
  const duration = options.durationS ?? (quick ? 3 : 10)
  const soakS = options.soakS ?? (quick ? 5 : 30)
  const connections = options.connections ?? 32
  const soakConnections = options.soakConnections ?? 64
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'))
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'faas-bench-local-'))
  const indexPath = path.join(work, 'images', 'index.json')
  const env = {...process.env, FAAS_IMAGE_INDEX: indexPath}
  const children: ChildProcess[] = []
  try {
    const fnDir = await buildNode20(work, indexPath)
    const {recordImage} = await import('../src/local/image-index.js')
    const catDir = path.join(work, 'cat')
    await fs.mkdir(catDir)
    await recordImage({image: 'bench/cat:latest', dir: catDir, digest: 'sha256:cat', run: 'cat', mode: 'classic', environment: {}, builtAt: new Date().toISOString()}, indexPath)

    // the gateway as users get it (sandbox auto: bubblewrap where it works), and one without a
    // sandbox, for the cost of the sandbox on fork-per-call functions
    const gw = await startGatewayProcess({port: 0, dataDir: path.join(work, 'gateway'), imageIndexPath: indexPath, version: 'bench'}, env)
    children.push(gw.child)
    for (const [service, image] of [['hello', 'bench/hello:latest'], ['cat', 'bench/cat:latest']]) {
      const status = await post(`${gw.url}/system/functions`, {service, image, labels: {}, annotations: {}})
      if (status !== 202) throw new Error(`deploy ${service}: ${status}`)
    }
    const bare = await startGatewayProcess({port: 0, sandbox: 'none', dataDir: path.join(work, 'gateway-bare'), imageIndexPath: indexPath, version: 'bench'}, env)
    children.push(bare.child)
    if ((await post(`${bare.url}/system/functions`, {service: 'cat', image: 'bench/cat:latest', labels: {}, annotations: {}})) !== 202) throw new Error('deploy cat (no sandbox)')

    const directPort = await freePort()
    const direct = spawn(process.execPath, ['index.js'], {cwd: fnDir, env: {...process.env, http_port: String(directPort)}, stdio: 'ignore'})
    children.push(direct)
    await waitForPort(directPort)
    const directUrl = `http://127.0.0.1:${directPort}/`
    const gatewayUrl = `${gw.url}/function/hello`

    // Warm both paths (JIT, keep-alive sockets) before measuring.
    await cannon({url: directUrl, connections, duration: 2})
    await cannon({url: gatewayUrl, connections, duration: 2})
    // Side by side: alternate halves (direct, gateway, direct, gateway) so a change in machine
    // load during the run hits both alike; each side gets `duration` seconds in total.
    log(`http mode: ${duration}s at ${connections} connections each, direct and through the gateway, alternating halves`)
    const halves: Array<{direct: CannonResult; gateway: CannonResult}> = []
    for (let i = 0; i < 2; i++) {
      const direct = await cannon({url: directUrl, connections, duration: duration / 2})
      const gateway = await cannon({url: gatewayUrl, connections, duration: duration / 2})
      halves.push({direct, gateway})
    }
    const sum = (side: 'direct' | 'gateway', f: (r: CannonResult) => number) => halves.reduce((n, h) => n + f(h[side]), 0)
    const d = {rps: sum('direct', (r) => r.requests.total) / duration, failed: sum('direct', (r) => r.non2xx + r.errors + r.timeouts)}
    const g = {rps: sum('gateway', (r) => r.requests.total) / duration, failed: sum('gateway', (r) => r.non2xx + r.errors + r.timeouts)}
    const ratio = g.rps / d.rps
    log(`  direct  ${d.rps.toFixed(0)} req/s (halves ${halves.map((h) => h.direct.requests.average.toFixed(0)).join(', ')}; failed ${d.failed})`)
    log(`  gateway ${g.rps.toFixed(0)} req/s (halves ${halves.map((h) => h.gateway.requests.average.toFixed(0)).join(', ')}; failed ${g.failed}) = ${ratio.toFixed(2)}x`)
    direct.kill()

    log(`fork mode (classic, cat): ${duration}s at 16 connections, default gateway and no sandbox, alternating halves`)
    const forkHalves: Array<{boxed: CannonResult; bare: CannonResult}> = []
    await cannon({url: `${gw.url}/function/cat`, connections: 16, duration: 1, method: 'POST', body: 'hello'})
    await cannon({url: `${bare.url}/function/cat`, connections: 16, duration: 1, method: 'POST', body: 'hello'})
    for (let i = 0; i < 2; i++) {
      const boxed = await cannon({url: `${gw.url}/function/cat`, connections: 16, duration: duration / 2, method: 'POST', body: 'hello'})
      const bareRun = await cannon({url: `${bare.url}/function/cat`, connections: 16, duration: duration / 2, method: 'POST', body: 'hello'})
      forkHalves.push({boxed, bare: bareRun})
    }
    const forkRate = (side: 'boxed' | 'bare') => forkHalves.reduce((n, h) => n + h[side].requests.total, 0) / duration
    const forkFailed = forkHalves.reduce((n, h) => n + h.boxed.non2xx + h.boxed.errors + h.bare.non2xx + h.bare.errors, 0)
    const f = {rate: forkRate('boxed'), bare: forkRate('bare')}
    log(`  sandbox auto ${f.rate.toFixed(0)} req/s, no sandbox ${f.bare.toFixed(0)} req/s (failed ${forkFailed})`)

    await new Promise((r) => setTimeout(r, 500))
    const rssBefore = await rssBytes(gw.child.pid!)
    log(`soak: ${soakS}s at ${soakConnections} connections through the gateway (RSS before ${(rssBefore / 2 ** 20).toFixed(1)} MB)`)
    const s = await cannon({url: gatewayUrl, connections: soakConnections, duration: soakS})
    await new Promise((r) => setTimeout(r, 500))
    const rssAfter = await rssBytes(gw.child.pid!)
    const failed = s.non2xx + s.errors + s.timeouts
    const growthMB = (rssAfter - rssBefore) / 2 ** 20
    log(`  ${s.requests.total} requests, ${failed} failed, RSS after ${(rssAfter / 2 ** 20).toFixed(1)} MB (growth ${growthMB.toFixed(1)} MB)`)

    return [
      {name: `local: node20 direct, ${connections} conns`, value: Math.round(d.rps), unit: 'req/s'},
      {name: `local: node20 via embedded gateway, ${connections} conns`, value: Math.round(g.rps), unit: 'req/s'},
      {name: 'local: gateway / direct throughput', value: Number(ratio.toFixed(3)), unit: 'x', target: '>= 0.25x', ok: ratio >= 0.25 && g.failed === 0},
      {name: 'local: fork-per-call (classic, cat) via gateway', value: Math.round(f.rate), unit: 'req/s', target: '>= 500', ok: f.rate >= 500 && forkFailed === 0},
      {name: 'local: fork-per-call, same gateway without a sandbox', value: Math.round(f.bare), unit: 'req/s'},
      {name: 'local: fork-per-call, sandbox / no sandbox', value: Number((f.rate / f.bare).toFixed(3)), unit: 'x'},
      {name: `local: soak ${soakS}s at ${soakConnections} conns, failed requests`, value: failed, unit: 'req', target: '== 0', ok: failed === 0},
      {name: `local: soak ${soakS}s, gateway RSS growth`, value: Number(growthMB.toFixed(1)), unit: 'MB', target: '< 20', ok: growthMB < 20},
    ]
  } finally {
    for (const c of children) c.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 300))
    await fs.rm(work, {recursive: true, force: true})
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const figures = await benchLocal()
  for (const f of figures) {
    const verdict = f.ok === undefined ? '' : f.ok ? '  ok' : '  MISSED'
    process.stdout.write(`${f.name.padEnd(60)} ${String(f.value).padStart(10)} ${f.unit.padEnd(6)}${f.target ? ` target ${f.target}` : ''}${verdict}\n`)
  }
}
