/**
 * Differential check of `faas watchdog` against the Go watchdogs (dev only: needs the reference
 * binaries, which CI does not have; not part of `npm run bench`).
 *
 *   npm run build && node dist/bench/watchdog-parity.js [--only NAME] [--write] [--verbose]
 *
 * Every group of test/helpers/watchdog-parity.ts starts the Go watchdog (of-watchdog or
 * classic-watchdog) and `node bin/run.js watchdog` with the same environment on free ports, sends
 * the same requests to both, and compares status, headers and body. Prints a table and the count of
 * matches; deliberate differences count as differences. --write records Go's answers in
 * test/local/watchdog-parity.expected.json, the expectations of test/local/watchdog-parity.test.ts.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {freeLoopbackPort} from '../src/util/ports.js'
import {
  caseCount,
  GROUPS,
  type Observation,
  type ParityGroup,
  runGroup,
  sameObservation,
  send,
  type StartTarget,
  type Target,
  writeFixtures,
} from '../test/helpers/watchdog-parity.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(here, '..', '..')
const GO = {'of-watchdog': process.env.OF_WATCHDOG ?? '/opt/ref/of-watchdog', classic: process.env.CLASSIC_WATCHDOG ?? '/opt/ref/classic-watchdog'}

const args = process.argv.slice(2)
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined
const write = args.includes('--write')
const verbose = args.includes('--verbose')

for (const bin of Object.values(GO)) {
  if (!fs.existsSync(bin)) {
    process.stderr.write(`missing ${bin}: this check needs the Go watchdogs (set OF_WATCHDOG / CLASSIC_WATCHDOG)\n`)
    process.exit(2)
  }
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wd-parity-'))
const fx = writeFixtures(work)

function startProcess(label: string, file: string, argv: string[], env: Record<string, string>): Promise<Target> {
  const tmp = fs.mkdtempSync(path.join(work, `${label}-`))
  const log = fs.openSync(path.join(tmp, 'log.txt'), 'w')
  const port = Number(env.port)
  const child: ChildProcess = spawn(file, argv, {
    env: {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', TMPDIR: tmp, ...env},
    cwd: work,
    stdio: ['ignore', log, log],
    detached: true,
  })
  let exitCode: number | undefined
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve((exitCode = code ?? (signal ? 128 : -1)))))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (exitCode === undefined) {
      try {
        // ours stops its function processes (each in a tree of its own) on SIGINT; Go's are in its group
        process.kill(label.startsWith('ours') ? child.pid! : -child.pid!, label.startsWith('ours') ? 'SIGINT' : 'SIGKILL')
      } catch {}
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))])
    }
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {}
    fs.closeSync(log)
  }
  return (async () => {
    const start = Date.now()
    for (;;) {
      if (exitCode !== undefined) return {url, exited, stop}
      const r = await send(url, {method: 'GET', path: '/_/health', timeoutMs: 1000})
      if (typeof r.status === 'number') return {url, exited, stop}
      if (Date.now() - start > 15_000) {
        await stop()
        throw new Error(`${label} did not listen on ${port} (log: ${path.join(tmp, 'log.txt')})`)
      }
      await new Promise((res) => setTimeout(res, 30))
    }
  })()
}

async function envFor(group: ParityGroup): Promise<Record<string, string>> {
  const upstreamPort = await freeLoopbackPort()
  return group.env({fx, upstreamPort})
}

const startGo: StartTarget = async (group, env) => {
  const port = await freeLoopbackPort()
  const metrics = await freeLoopbackPort()
  return startProcess(`go-${group.flavour}`, GO[group.flavour], [], {...env, port: String(port), metrics_port: String(metrics)})
}

const startOurs: StartTarget = async (group, env) => {
  const port = await freeLoopbackPort()
  const metrics = await freeLoopbackPort()
  const mode: Record<string, string> = group.flavour === 'classic' ? {mode: 'classic'} : {}
  return startProcess('ours', process.execPath, [path.join(repo, 'bin', 'run.js'), 'watchdog'], {...env, ...mode, port: String(port), metrics_port: String(metrics)})
}

function diff(a: Observation, b: Observation): string {
  const parts: string[] = []
  if (a.status !== b.status) parts.push(`status go=${a.status} ours=${b.status}`)
  const names = new Set([...Object.keys(a.headers), ...Object.keys(b.headers)])
  for (const n of [...names].sort()) {
    if (a.headers[n] !== b.headers[n]) parts.push(`${n}: go=${JSON.stringify(a.headers[n])} ours=${JSON.stringify(b.headers[n])}`)
  }
  if (a.body !== b.body) parts.push(`body go=${JSON.stringify(a.body.slice(0, 300))} ours=${JSON.stringify(b.body.slice(0, 300))}`)
  return parts.join('\n      ')
}

const expectedFile = path.join(repo, 'test', 'local', 'watchdog-parity.expected.json')
const recorded: Record<string, Record<string, Observation>> = write && fs.existsSync(expectedFile) ? JSON.parse(fs.readFileSync(expectedFile, 'utf8')) : {}

let total = 0
let matched = 0
const differences: string[] = []
const started = Date.now()
for (const group of GROUPS) {
  if (only && !group.name.includes(only)) continue
  const envGo = await envFor(group)
  const envOurs = await envFor(group)
  const failed = (who: string) => (e: Error): Record<string, Observation> => {
    process.stdout.write(`${group.name}: ${who} failed: ${e.message}\n`)
    return Object.fromEntries(group.cases.map((c) => [c.name, {status: 'harness error', headers: {}, body: e.message}]))
  }
  const [go, ours] = await Promise.all([runGroup(group, startGo, envGo).catch(failed('go')), runGroup(group, startOurs, envOurs).catch(failed('ours'))])
  recorded[group.name] = go
  for (const c of group.cases) {
    total++
    const same = sameObservation(go[c.name], ours[c.name])
    if (same) matched++
    const verdict = same ? 'same' : c.deliberate ? 'DELIBERATE' : 'DIFFERENT'
    const line = `${verdict.padEnd(10)} ${group.name} / ${c.name}`
    process.stdout.write(line + '\n')
    if (!same) {
      const d = diff(go[c.name], ours[c.name])
      process.stdout.write(`      ${d}\n`)
      differences.push(`${group.name} / ${c.name}${c.deliberate ? ` (deliberate: ${c.deliberate.reason})` : ''}`)
    } else if (verbose) {
      process.stdout.write(`      ${JSON.stringify(go[c.name]).slice(0, 300)}\n`)
    }
  }
}
process.stdout.write(`\nmatched ${matched}/${total} cases (${caseCount()} in the matrix) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
if (differences.length) process.stdout.write(`differences:\n${differences.map((d) => `  - ${d}`).join('\n')}\n`)
if (write) {
  fs.writeFileSync(expectedFile + '.tmp', JSON.stringify(recorded, null, 2) + '\n')
  fs.renameSync(expectedFile + '.tmp', expectedFile)
  process.stdout.write(`wrote Go's answers to ${path.relative(repo, expectedFile)}\n`)
}
if (!verbose) fs.rmSync(work, {recursive: true, force: true})
else process.stdout.write(`logs kept in ${work}\n`)
