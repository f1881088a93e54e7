/** Small helpers shared by the benchmarks: timing child processes, medians, repo paths. */
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export interface Figure {
  name: string
  value: number
  unit: string
  /** The target the issue names, as text (e.g. "<= 3.0x"). */
  target?: string
  ok?: boolean
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const binPath = path.join(repoRoot, 'bin', 'run.js')

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Environment for timing Node start-up: NODE_EXTRA_CA_CERTS alone adds ~35 ms per start here. */
export function benchEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = {...process.env, ...extra}
  delete env.NODE_EXTRA_CA_CERTS
  return env
}

/**
 * Time several commands side by side: each round runs every command once, in turn, so machine
 * noise hits them alike. Returns the median wall time (ms) of each.
 */
export function timeSideBySide(commands: Record<string, {cmd: string; args: string[]; cwd?: string; env?: NodeJS.ProcessEnv}>, rounds: number): Record<string, number> {
  const samples: Record<string, number[]> = {}
  for (const name of Object.keys(commands)) samples[name] = []
  for (let i = 0; i < rounds; i++) {
    for (const [name, c] of Object.entries(commands)) {
      const start = performance.now()
      const r = spawnSync(c.cmd, c.args, {cwd: c.cwd, env: c.env ?? benchEnv(), stdio: 'ignore'})
      const elapsed = performance.now() - start
      if (r.status !== 0) throw new Error(`${name}: ${c.cmd} ${c.args.join(' ')} exited ${r.status}`)
      samples[name].push(elapsed)
    }
  }
  const out: Record<string, number> = {}
  for (const [name, s] of Object.entries(samples)) out[name] = median(s)
  return out
}

let preload: string | undefined
/** A --require module that writes the process's peak RSS (KiB) to $FAAS_BENCH_RSS_FILE on exit. */
export function rssPreload(): string {
  if (preload) return preload
  preload = path.join(mkdtempSync(path.join(os.tmpdir(), 'faas-bench-')), 'rss.cjs')
  // VmHWM, not getrusage's maxRSS: Linux carries maxRSS over from the forking parent (this
  // benchmark process, which holds large buffers), while VmHWM starts afresh at exec
  writeFileSync(preload, [
    "const fs = require('node:fs')",
    "process.on('exit', () => {",
    "  let kb = process.resourceUsage().maxRSS",
    "  try { kb = Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) } catch {}",
    "  fs.writeFileSync(process.env.FAAS_BENCH_RSS_FILE, String(kb))",
    "})",
    '',
  ].join('\n'))
  return preload
}

export interface Run {
  ms: number
}

/** One process, stdin from a file (or none), stdout to a file (or /dev/null): its wall time; a failure rejects with its stderr. */
export function runProcess(cmd: string, args: string[], options: {cwd?: string; env: NodeJS.ProcessEnv; stdin?: string; stdout?: string}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const stdin = options.stdin ? openSync(options.stdin, 'r') : 'ignore'
    const stdout = openSync(options.stdout ?? '/dev/null', 'w')
    const start = performance.now()
    const child = spawn(cmd, args, {cwd: options.cwd, env: options.env, stdio: [stdin, stdout, 'pipe']})
    let stderr = ''
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = performance.now() - start
      if (typeof stdin === 'number') closeSync(stdin)
      closeSync(stdout)
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(-800)}`))
      resolve({ms})
    })
  })
}
