/**
 * CPU-bound command paths (issue 11, item 2) side by side with the Go faas-cli (/opt/ref/faas-cli,
 * or $FAAS_REF_CLI), whole processes, each round running every command once in turn so machine
 * noise hits them alike:
 *   - list of 5,000 functions, plain and --json, from a loopback gateway (answer prepared once);
 *   - invoke with a 10 MiB body echoed back, stdout to a file (and peak RSS vs a 1 KiB invoke);
 *   - build --shrinkwrap of 200 functions × 20 handler files;
 *   - build --parallel 8 of 40 functions with an engine that sleeps 0.25 s per build.
 * Beside each, the same command on a trivial input (list of 1, shrinkwrap of 1 function), so the
 * work beyond start-up can be read off too.
 *
 *   node dist/bench/cpu.js [list|invoke|shrinkwrap|parallel]…
 */
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

import {type Figure, type Run, benchEnv, binPath, median, repoRoot, rssPreload, runProcess} from './util.js'
import {writeProject} from './build.js'

const refCli = process.env.FAAS_REF_CLI ?? '/opt/ref/faas-cli'
const fakeEngineDir = path.join(repoRoot, 'test', 'helpers', 'fake-engine')

type Side = 'faas' | 'go'

function command(side: Side, args: string[]): [string, string[]] {
  return side === 'faas' ? [process.execPath, [binPath, ...args]] : [refCli, args]
}

/** Run every labelled command once per round, in turn; medians per label. */
async function sideBySide(rounds: number, runs: Record<string, () => Promise<Run>>): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {}
  for (const k of Object.keys(runs)) samples[k] = []
  for (const fn of Object.values(runs)) await fn() // warm-up: page cache, first-run costs
  for (let i = 0; i < rounds; i++) {
    for (const [k, fn] of Object.entries(runs)) samples[k].push((await fn()).ms)
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
}

function round(v: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(v * f) / f
}

function ratioFigure(name: string, ours: number, theirs: number, target: number): Figure {
  const r = ours / theirs
  return {name, value: round(r, 2), unit: 'x', target: `<= ${target}x`, ok: r <= target}
}

function functionRecord(i: number) {
  return {
    name: `function-${i}`, image: `ghcr.io/example/function-${i}:0.1.${i}`, namespace: 'openfaas-fn',
    labels: {'com.openfaas.scale.min': '1', team: 'bench'}, annotations: {topic: 'bench'}, envProcess: 'node index.js',
    invocationCount: i * 7, replicas: 1, availableReplicas: 1, createdAt: '2024-01-01T00:00:00Z',
  }
}

/** A loopback gateway shaped like OpenFaaS: /system/functions from a prepared answer, /function/* echoes. */
async function startGateway(functions: number): Promise<{url: string; close: () => Promise<void>}> {
  const list = Buffer.from(JSON.stringify(Array.from({length: functions}, (_, i) => functionRecord(i))))
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/'
    if (url.startsWith('/system/functions')) {
      res.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': list.length})
      res.end(list)
    } else if (url.startsWith('/function/')) {
      res.writeHead(200, {'Content-Type': 'application/octet-stream'})
      req.pipe(res)
    } else if (url.startsWith('/system/info')) {
      res.writeHead(200, {'Content-Type': 'application/json'})
      res.end('{"provider":{"provider":"bench","orchestration":"none","version":{"release":"0.0.0","sha":"x"}},"version":{"release":"0.0.0","sha":"x","commit_message":""},"arch":"x86_64"}')
    } else {
      res.writeHead(404).end()
    }
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

function homeEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return benchEnv({HOME: home, XDG_CACHE_HOME: path.join(home, '.cache-home'), CI: 'true', OPENFAAS_URL: '', ...extra})
}

export async function benchListCpu(rounds = 7): Promise<Figure[]> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'faas-bench-cpu-list-'))
  const many = await startGateway(5000)
  const one = await startGateway(1)
  const env = homeEnv(home)
  const run = (side: Side, url: string, json = false) => () => {
    const [cmd, args] = command(side, ['list', '-g', url, ...(json ? ['--json'] : [])])
    return runProcess(cmd, args, {cwd: home, env})
  }
  try {
    const m = await sideBySide(rounds, {
      faas1: run('faas', one.url), go1: run('go', one.url),
      faas: run('faas', many.url), go: run('go', many.url),
      faasJson: run('faas', many.url, true), goJson: run('go', many.url, true),
    })
    return [
      {name: 'list 1: faas / faas-cli', value: round(m.faas1), unit: 'ms', target: `go ${round(m.go1)} ms`},
      {name: 'list 5,000: faas', value: round(m.faas), unit: 'ms', target: `go ${round(m.go)} ms`},
      {name: 'list 5,000: faas beyond list 1', value: round(m.faas - m.faas1), unit: 'ms', target: `go ${round(m.go - m.go1)} ms`},
      ratioFigure('list 5,000: faas / faas-cli', m.faas, m.go, 1.5),
      {name: 'list --json 5,000: faas', value: round(m.faasJson), unit: 'ms', target: `go ${round(m.goJson)} ms`},
      ratioFigure('list --json 5,000: faas / faas-cli', m.faasJson, m.goJson, 1.5),
    ]
  } finally {
    await many.close()
    await one.close()
    rmSync(home, {recursive: true, force: true})
  }
}

export async function benchInvokeCpu(rounds = 7): Promise<Figure[]> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'faas-bench-cpu-invoke-'))
  const gw = await startGateway(1)
  const env = homeEnv(home)
  const small = path.join(home, 'small.bin')
  const large = path.join(home, 'large.bin')
  writeFileSync(small, Buffer.alloc(1024, 'a'))
  const big = Buffer.alloc(10 * 1024 * 1024)
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 10)) & 0xff
  writeFileSync(large, big)
  const out = path.join(home, 'out.bin')
  const run = (side: Side, input: string) => () => {
    const [cmd, args] = command(side, ['invoke', 'echo', '-g', gw.url])
    return runProcess(cmd, args, {cwd: home, env, stdin: input, stdout: out})
  }
  const rss = async (input: string) => {
    const rssFile = path.join(home, 'rss')
    await runProcess(process.execPath, ['--require', rssPreload(), binPath, 'invoke', 'echo', '-g', gw.url], {cwd: home, env: {...env, FAAS_BENCH_RSS_FILE: rssFile}, stdin: input, stdout: out})
    return Number(readFileSync(rssFile, 'utf8'))
  }
  try {
    const m = await sideBySide(rounds, {faasSmall: run('faas', small), goSmall: run('go', small), faas: run('faas', large), go: run('go', large)})
    // the answer must be the body, byte for byte
    await run('faas', large)()
    const echoed = readFileSync(out)
    if (!echoed.equals(big)) throw new Error(`invoke: the echoed body differs (${echoed.length} bytes)`)
    const rssSmall = median([await rss(small), await rss(small), await rss(small)])
    const rssLarge = median([await rss(large), await rss(large), await rss(large)])
    const extraMb = (rssLarge - rssSmall) / 1024
    return [
      {name: 'invoke 1 KiB: faas', value: round(m.faasSmall), unit: 'ms', target: `go ${round(m.goSmall)} ms`},
      {name: 'invoke 10 MiB echoed: faas', value: round(m.faas), unit: 'ms', target: `go ${round(m.go)} ms`},
      {name: 'invoke 10 MiB: faas beyond 1 KiB', value: round(m.faas - m.faasSmall), unit: 'ms', target: `go ${round(m.go - m.goSmall)} ms`},
      ratioFigure('invoke 10 MiB: faas / faas-cli', m.faas, m.go, 1.5),
      {name: 'invoke peak RSS: 10 MiB over 1 KiB', value: round(extraMb, 1), unit: 'MB', target: '<= 20 MB', ok: extraMb <= 20},
    ]
  } finally {
    await gw.close()
    rmSync(home, {recursive: true, force: true})
  }
}


function buildEnv(root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return homeEnv(root, {PATH: `${fakeEngineDir}${path.delimiter}${process.env.PATH}`, ...extra})
}

export async function benchShrinkwrapCpu(rounds = 7): Promise<Figure[]> {
  const many = writeProject(200, 20, 'bench-node')
  const one = writeProject(1, 20, 'bench-node')
  const run = (side: Side, root: string) => () => {
    rmSync(path.join(root, 'build'), {recursive: true, force: true})
    const [cmd, args] = command(side, ['build', '--shrinkwrap', '-f', 'stack.yaml'])
    return runProcess(cmd, args, {cwd: root, env: buildEnv(root)})
  }
  try {
    const m = await sideBySide(rounds, {faas1: run('faas', one), go1: run('go', one), faas: run('faas', many), go: run('go', many)})
    await run('faas', many)()
    const sample = path.join(many, 'build', 'fn-123', 'function', 'lib', 'file-19.js')
    if (!existsSync(sample) || statSync(sample).size < 2048) throw new Error(`shrinkwrap: ${sample} is missing`)
    return [
      {name: 'shrinkwrap 1 fn: faas', value: round(m.faas1), unit: 'ms', target: `go ${round(m.go1)} ms`},
      {name: 'shrinkwrap 200 fns x 20 files: faas', value: round(m.faas), unit: 'ms', target: `go ${round(m.go)} ms`},
      {name: 'shrinkwrap: faas 200 beyond 1', value: round(m.faas - m.faas1), unit: 'ms', target: `go ${round(m.go - m.go1)} ms`},
      ratioFigure('shrinkwrap 200: faas / faas-cli', m.faas, m.go, 1.5),
    ]
  } finally {
    rmSync(many, {recursive: true, force: true})
    rmSync(one, {recursive: true, force: true})
  }
}

export async function benchParallelCpu(rounds = 3): Promise<Figure[]> {
  const root = writeProject(40, 2, 'dockerfile')
  const env = buildEnv(root, {FAKE_ENGINE_SLEEP: '0.25'})
  const run = (side: Side) => () => {
    const [cmd, args] = command(side, ['build', '--parallel', '8', '-f', 'stack.yaml', ...(side === 'faas' ? ['--force'] : [])])
    return runProcess(cmd, args, {cwd: root, env})
  }
  try {
    const m = await sideBySide(rounds, {faas: run('faas'), go: run('go')})
    return [
      {name: 'build --parallel 8, 40 fns, 0.25 s/build: faas', value: round(m.faas), unit: 'ms', target: `go ${round(m.go)} ms`},
      ratioFigure('build --parallel 8: faas / faas-cli', m.faas, m.go, 1.1),
    ]
  } finally {
    rmSync(root, {recursive: true, force: true})
  }
}

export async function benchCpu(): Promise<Figure[]> {
  if (!existsSync(refCli)) return [{name: `cpu: no Go faas-cli at ${refCli} (set FAAS_REF_CLI)`, value: 0, unit: ''}]
  return [...(await benchListCpu()), ...(await benchInvokeCpu()), ...(await benchShrinkwrapCpu()), ...(await benchParallelCpu())]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const only = process.argv.slice(2)
  const parts: Array<[string, () => Promise<Figure[]>]> = [['list', benchListCpu], ['invoke', benchInvokeCpu], ['shrinkwrap', benchShrinkwrapCpu], ['parallel', benchParallelCpu]]
  for (const [name, fn] of parts) {
    if (only.length && !only.includes(name)) continue
    for (const f of await fn()) {
      const verdict = f.ok === undefined ? '' : f.ok ? '  ok' : '  MISSED'
      process.stdout.write(`${f.name.padEnd(52)} ${String(f.value).padStart(8)} ${f.unit.padEnd(3)}${f.target ? ` ${f.target}` : ''}${verdict}\n`)
    }
  }
}
