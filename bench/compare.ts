/**
 * Side-by-side figures (issue 11): every workload run with faas and with a second CLI given on
 * the command line (the Go faas-cli, or faas at another commit), interleaved round by round so
 * machine noise hits both alike, with the medians and the ratio faas / other. It is a report:
 * a missed target prints MISSED and nothing fails.
 *
 *   npm run bench -- --compare /opt/ref/faas-cli
 *   npm run bench -- --compare "node /path/to/other/checkout/bin/run.js"
 *   node dist/bench/compare.js /opt/ref/faas-cli [workload …]
 *
 * Workloads (both CLIs get the same arguments, gateway URL and environment; HOME is a fresh
 * folder, so neither has saved credentials, and NODE_EXTRA_CA_CERTS is unset):
 *   start-up   --help, logout --help, and list / describe x / secret list against a port where
 *              nothing listens; faas also against `node -e 0` (target ≤ 3.0×)
 *   shrinkwrap build --shrinkwrap, 200 node20 functions × 20 handler files (≤ 1.5×)
 *   list       list of 5,000 functions from a loopback gateway (≤ 1.5×), and list --json (≤ 1.5×)
 *   invoke     a 10 MiB body echoed back, stdout to a file (≤ 1.5×); peak RSS against a 1 KB invoke
 *   parallel   build --parallel 8 of 40 functions, fake engine on PATH sleeping 0.25 s per build (≤ 1.1×)
 *   deploy     deploy of 200 functions, gateway adding 20 ms per request (≤ 0.2×)
 *   up         up --skip-push of 20 functions, unchanged since the previous run (≤ 0.1×)
 */
import {spawn, spawnSync} from 'node:child_process'
import {cpSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

import {startTestGateway, type TestGateway} from '../test/helpers/gateway.js'
import {writeHandlers} from './build.js'
import {type Figure, benchEnv, binPath, median, repoRoot} from './util.js'

/** A CLI as argv prefix: ['node', '/…/bin/run.js'] or ['/opt/ref/faas-cli']. */
export type Cli = string[]

/** `--compare "node /x/bin/run.js"` → argv (whitespace-separated; quotes group words). */
export function splitCommand(text: string): Cli {
  const out: string[] = []
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3])
  return out
}

const faasCli: Cli = [process.execPath, binPath]
const floorCli: Cli = [process.execPath, path.join(repoRoot, 'dist', 'bench', 'floor.cjs')]
const fakeEngineDir = path.join(repoRoot, 'test', 'helpers', 'fake-engine')

interface RunOptions {
  cwd: string
  env: NodeJS.ProcessEnv
  stdinFile?: string
  stdoutFile?: string
  /** The command is expected to fail (a gateway port where nothing listens). */
  mayFail?: boolean
  /** Poll the peak RSS (reads /proc every 2 ms: off where the timing is the figure's point). */
  rss?: boolean
}

interface Timed {
  ms: number
  /** Peak RSS in KiB (VmHWM of the process, polled while it runs). */
  rssKb: number
}

/** Runs one command, as a user would, and times it (wall clock) while polling its peak RSS. */
function timeRun(cli: Cli, args: string[], o: RunOptions): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const stdin = o.stdinFile ? openSync(o.stdinFile, 'r') : 'ignore'
    const stdout = openSync(o.stdoutFile ?? '/dev/null', 'w')
    const start = performance.now()
    const child = spawn(cli[0], [...cli.slice(1), ...args], {cwd: o.cwd, env: o.env, stdio: [stdin, stdout, 'pipe']})
    let stderr = ''
    let rssKb = 0
    const poll = () => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
        if (m) rssKb = Math.max(rssKb, Number(m[1]))
      } catch {}
    }
    const timer = o.rss ? setInterval(poll, 2) : undefined
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)))
    child.on('error', reject)
    if (o.rss) child.on('exit', () => poll())
    child.on('close', (code) => {
      const ms = performance.now() - start
      clearInterval(timer)
      if (typeof stdin === 'number') closeSync(stdin)
      closeSync(stdout)
      if (code !== 0 && !o.mayFail) return reject(new Error(`${[...cli, ...args].join(' ')} exited ${code}: ${stderr}`))
      resolve({ms, rssKb})
    })
  })
}

interface Pair {
  faas: Timed[]
  other: Timed[]
  /** bench/floor.cts with the same arguments, where asked for: the least Node can do. */
  floor: Timed[]
}

/** `rounds` rounds, each running faas then the other CLI (or the other first on odd rounds). */
interface SideBySide {
  /** Run before each command (clean-up between rounds). */
  before?: () => void
  /** Also run bench/floor.cts with the same arguments. */
  floor?: boolean
}

async function sideBySide(other: Cli, rounds: number, args: string[], o: RunOptions | (() => RunOptions), {before, floor = false}: SideBySide = {}): Promise<Pair> {
  const out: Pair = {faas: [], other: [], floor: []}
  const opts = typeof o === 'function' ? o : () => o
  for (let r = 0; r < rounds; r++) {
    const order: Array<['faas' | 'other' | 'floor', Cli]> = r % 2 ? [['other', other], ['faas', faasCli]] : [['faas', faasCli], ['other', other]]
    if (floor) order.push(['floor', floorCli])
    for (const [which, cli] of order) {
      before?.()
      out[which].push(await timeRun(cli, args, opts()))
    }
  }
  return out
}

const round1 = (n: number) => Math.round(n * 10) / 10
const ratio2 = (n: number) => Math.round(n * 100) / 100

function pairFigures(label: string, pair: Pair, target?: number): Figure[] {
  const faas = median(pair.faas.map((t) => t.ms))
  const other = median(pair.other.map((t) => t.ms))
  const r = faas / other
  const figures: Figure[] = [
    {name: `${label}: faas (median ms)`, value: round1(faas), unit: 'ms'},
    {name: `${label}: other (median ms)`, value: round1(other), unit: 'ms'},
    target === undefined
      ? {name: `${label}: faas / other`, value: ratio2(r), unit: 'x'}
      : {name: `${label}: faas / other`, value: ratio2(r), unit: 'x', target: `<= ${target}x`, ok: r <= target},
  ]
  if (pair.floor.length) {
    const floor = median(pair.floor.map((t) => t.ms))
    figures.push(
      {name: `${label}: Node floor, bench/floor.cts (median ms)`, value: round1(floor), unit: 'ms'},
      {name: `${label}: Node floor / other`, value: ratio2(floor / other), unit: 'x'},
    )
  }
  return figures
}

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `faas-bench-${prefix}-`))
}

function envFor(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // a fresh HOME (no saved credentials for either CLI), no OPENFAAS_URL, no CA bundle
  const env = benchEnv({HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), CI: 'true', ...extra})
  delete env.OPENFAAS_URL
  delete env.OPENFAAS_TEMPLATE_URL
  return env
}

/** A loopback port where nothing listens (bound, then released). */
async function deadPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Start-up: each command against `node -e 0` (faas) and against the other CLI, same rounds. */
export async function benchStartupCompare(other: Cli | undefined, rounds = 15): Promise<Figure[]> {
  const home = tempDir('startup')
  const env = envFor(home)
  const dead = `http://127.0.0.1:${await deadPort()}`
  const commands: Array<{label: string; args: string[]}> = [
    {label: '--help', args: ['--help']},
    {label: 'logout --help', args: ['logout', '--help']},
    {label: 'list (nothing listening)', args: ['list', '--gateway', dead]},
    {label: 'describe x (nothing listening)', args: ['describe', 'x', '--gateway', dead]},
    {label: 'secret list (nothing listening)', args: ['secret', 'list', '--gateway', dead]},
  ]
  const node: number[] = []
  const faas = commands.map(() => [] as number[])
  const theirs = commands.map(() => [] as number[])
  const o = {cwd: home, env, mayFail: true}
  for (let r = 0; r < rounds; r++) {
    node.push((await timeRun([process.execPath], ['-e', '0'], o)).ms)
    for (const [i, c] of commands.entries()) {
      faas[i].push((await timeRun(faasCli, c.args, o)).ms)
      if (other) theirs[i].push((await timeRun(other, c.args, o)).ms)
    }
  }
  const base = median(node)
  const figures: Figure[] = [{name: 'start-up: node -e 0 (median ms)', value: round1(base), unit: 'ms'}]
  for (const [i, c] of commands.entries()) {
    const f = median(faas[i])
    figures.push(
      {name: `start-up: faas ${c.label} (median ms)`, value: round1(f), unit: 'ms'},
      {name: `start-up: faas ${c.label} / node -e 0`, value: ratio2(f / base), unit: 'x', target: '<= 3.0x', ok: f / base <= 3},
    )
    if (other) figures.push({name: `start-up: faas ${c.label} / other`, value: ratio2(f / median(theirs[i])), unit: 'x'})
  }
  return figures
}

/** A project of `functions` functions with `files` handler files each, on the shipped `lang` template. */
function writeProject(functions: number, files: number, lang: 'node20' | 'dockerfile'): string {
  const root = tempDir(`project-${lang}`)
  // the template in ./template, as `faas template pull` leaves it (neither CLI fetches one then)
  cpSync(path.join(repoRoot, 'templates-store', 'template', lang), path.join(root, 'template', lang), {recursive: true})
  writeHandlers(root, functions, files, lang)
  return root
}

export async function benchShrinkwrapCompare(other: Cli, rounds = 5): Promise<Figure[]> {
  const root = writeProject(200, 20, 'node20')
  const env = envFor(root)
  const settle = () => {
    rmSync(path.join(root, 'build'), {recursive: true, force: true})
    spawnSync('sync', {stdio: 'ignore'})
  }
  const pair = await sideBySide(other, rounds, ['build', '--shrinkwrap', '-f', 'stack.yaml'], {cwd: root, env}, {before: settle})
  rmSync(root, {recursive: true, force: true})
  return pairFigures('build --shrinkwrap, 200 node20 fns x 20 files', pair, 1.5)
}

async function withGateway<T>(opts: Parameters<typeof startTestGateway>[0], fn: (gw: TestGateway) => Promise<T>): Promise<T> {
  const gw = await startTestGateway(opts)
  try {
    return await fn(gw)
  } finally {
    await gw.close()
  }
}

export async function benchListCompare(other: Cli, rounds = 9): Promise<Figure[]> {
  const functions = Array.from({length: 5000}, (_, i) => ({
    name: `fn-${String(i).padStart(4, '0')}`,
    image: `ghcr.io/example/fn-${i}:0.1.${i % 10}`,
    invocationCount: i * 3,
    replicas: 1 + (i % 3),
  }))
  return withGateway({functions, recordBodies: false}, async (gw) => {
    const home = tempDir('list')
    const o = {cwd: home, env: envFor(home)}
    const table = await sideBySide(other, rounds, ['list', '--gateway', gw.url], o, {floor: true})
    const json = await sideBySide(other, rounds, ['list', '--json', '--gateway', gw.url], o, {floor: true})
    return [...pairFigures('list of 5,000 functions', table, 1.5), ...pairFigures('list --json of 5,000 functions', json, 1.5)]
  })
}

export async function benchInvokeCompare(other: Cli, rounds = 7): Promise<Figure[]> {
  return withGateway({recordBodies: false, functions: [{name: 'echo', image: 'ghcr.io/example/echo:0.1'}]}, async (gw) => {
    const home = tempDir('invoke')
    const big = path.join(home, 'body-10m')
    const small = path.join(home, 'body-1k')
    writeFileSync(big, Buffer.alloc(10 * 1024 * 1024, 'abcdefghij'))
    writeFileSync(small, Buffer.alloc(1024, 'abcdefghij'))
    const out = path.join(home, 'out')
    const env = envFor(home)
    const args = ['invoke', 'echo', '--gateway', gw.url]
    const bigPair = await sideBySide(other, rounds, args, () => ({cwd: home, env, stdinFile: big, stdoutFile: out}), {floor: true})
    // the peak RSS in separate rounds: polling /proc takes CPU from the timed runs
    const bigRss = await sideBySide(other, 3, args, () => ({cwd: home, env, stdinFile: big, stdoutFile: out, rss: true}), {floor: true})
    const smallRss = await sideBySide(other, 3, args, () => ({cwd: home, env, stdinFile: small, stdoutFile: out, rss: true}), {floor: true})
    await timeRun(faasCli, args, {cwd: home, env, stdinFile: big, stdoutFile: out})
    const written = readFileSync(out).length
    if (written !== 10 * 1024 * 1024) throw new Error(`faas invoke wrote ${written} bytes, expected 10 MiB`)
    const rss = (p: Timed[]) => median(p.map((t) => t.rssKb)) / 1024
    return [
      ...pairFigures('invoke, 10 MiB echoed, stdout to a file', bigPair, 1.5),
      {name: 'invoke: faas peak RSS, 10 MiB body (MiB)', value: round1(rss(bigRss.faas)), unit: 'MiB'},
      {name: 'invoke: faas peak RSS, 1 KB body (MiB)', value: round1(rss(smallRss.faas)), unit: 'MiB'},
      {name: 'invoke: other peak RSS, 10 MiB body (MiB)', value: round1(rss(bigRss.other)), unit: 'MiB'},
      {name: 'invoke: other peak RSS, 1 KB body (MiB)', value: round1(rss(smallRss.other)), unit: 'MiB'},
      {name: 'invoke: faas peak RSS, 10 MiB over 1 KB (MiB)', value: round1(rss(bigRss.faas) - rss(smallRss.faas)), unit: 'MiB', target: '<= 20 MiB', ok: rss(bigRss.faas) - rss(smallRss.faas) <= 20},
      {name: 'invoke: other peak RSS, 10 MiB over 1 KB (MiB)', value: round1(rss(bigRss.other) - rss(smallRss.other)), unit: 'MiB'},
      // socket reads of a streamed answer are new 64 KiB buffers each, freed only by the next GC
      {name: 'invoke: Node floor peak RSS, 10 MiB over 1 KB (MiB)', value: round1(rss(bigRss.floor) - rss(smallRss.floor)), unit: 'MiB'},
    ]
  })
}

function engineEnv(root: string): NodeJS.ProcessEnv {
  return envFor(root, {PATH: `${fakeEngineDir}${path.delimiter}${process.env.PATH}`, FAKE_ENGINE_SLEEP: '0.25', FAKE_ENGINE_LOG: path.join(root, 'engine.jsonl')})
}

export async function benchParallelCompare(other: Cli, rounds = 3): Promise<Figure[]> {
  const root = writeProject(40, 2, 'dockerfile')
  // every run builds all 40: no build/ folder and no incremental-build records (faas skips builds
  // whose inputs it has built before); faas's code cache (~/.cache/faas/code-cache) stays, as
  // it does for a user
  const pair = await sideBySide(other, rounds, ['build', '--parallel', '8', '-f', 'stack.yaml'], {cwd: root, env: engineEnv(root)}, {before: () => {
    rmSync(path.join(root, 'build'), {recursive: true, force: true})
    rmSync(path.join(root, '.cache', 'faas', 'builds'), {recursive: true, force: true})
  }})
  const builds = readFileSync(path.join(root, 'engine.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"build"')).length
  if (builds !== rounds * 2 * 40) throw new Error(`expected ${rounds * 2 * 40} engine builds, the fake engine saw ${builds}`)
  rmSync(root, {recursive: true, force: true})
  return pairFigures('build --parallel 8, 40 fns, engine 0.25 s per build', pair, 1.1)
}

export async function benchDeployCompare(other: Cli, rounds = 3): Promise<Figure[]> {
  const root = writeProject(200, 1, 'dockerfile')
  return withGateway({latencyMs: 20}, async (gw) => {
    const pair = await sideBySide(other, rounds, ['deploy', '--gateway', gw.url, '-f', 'stack.yaml'], {cwd: root, env: envFor(root)})
    return pairFigures('deploy of 200 functions, gateway +20 ms per request', pair, 0.2)
  })
}

export async function benchUpCompare(other: Cli, rounds = 2): Promise<Figure[]> {
  const root = writeProject(20, 2, 'dockerfile')
  return withGateway({}, async (gw) => {
    const args = ['up', '--skip-push', '--gateway', gw.url, '-f', 'stack.yaml']
    const o = {cwd: root, env: engineEnv(root)}
    // the first run of each builds everything; the figure is the next, with nothing changed
    await timeRun(faasCli, args, o)
    await timeRun(other, args, o)
    const pair = await sideBySide(other, rounds, args, o)
    return pairFigures('up --skip-push of 20 unchanged fns (second run), engine 0.25 s per build', pair, 0.1)
  })
}

export const workloads: Record<string, (other: Cli) => Promise<Figure[]>> = {
  startup: (other) => benchStartupCompare(other),
  shrinkwrap: (other) => benchShrinkwrapCompare(other),
  list: (other) => benchListCompare(other),
  invoke: (other) => benchInvokeCompare(other),
  parallel: (other) => benchParallelCompare(other),
  deploy: (other) => benchDeployCompare(other),
  up: (other) => benchUpCompare(other),
}

/** Every workload (or the named ones) against `other`; a workload that fails is reported, not thrown. */
export async function benchCompare(other: Cli, only: string[] = [], write = (f: Figure) => printFigure(f)): Promise<void> {
  for (const [name, fn] of Object.entries(workloads)) {
    if (only.length && !only.includes(name)) continue
    process.stdout.write(`\n## ${name} (faas vs ${other.join(' ')})\n`)
    try {
      for (const f of await fn(other)) write(f)
    } catch (error) {
      process.stdout.write(`${name}: failed: ${(error as Error).message}\n`)
    }
  }
}

export function printFigure(f: Figure): void {
  const verdict = f.ok === undefined ? '' : f.ok ? '  ok' : '  MISSED'
  process.stdout.write(`${f.name.padEnd(78)} ${String(f.value).padStart(10)} ${f.unit.padEnd(4)}${f.target ? ` target ${f.target}` : ''}${verdict}\n`)
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [other, ...only] = process.argv.slice(2)
  if (!other) {
    console.error('usage: node dist/bench/compare.js "<other CLI>" [workload …]')
    process.exitCode = 2
  } else await benchCompare(splitCommand(other), only)
}
