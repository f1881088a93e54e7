/** Small helpers shared by the benchmarks: timing child processes, medians, repo paths. */
import {spawnSync} from 'node:child_process'
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
