/**
 * Function processes as whole trees. Each function process is started in a process group of
 * its own (setsid), so whatever it starts — a `sleep` in a shell script, a worker pool — can be
 * signalled with it: when the call times out, when the function crashes (what it left behind
 * goes with it), on scale-down, removal and shutdown.
 *
 * The gateway can be killed without a chance to clean up (`kill -9`). Inside bubblewrap the
 * sandbox dies with it (--die-with-parent); without a sandbox, the gateway records every tree
 * it starts in a ledger folder, and the next gateway on the same data directory stops what is
 * left before it starts anything (`reapLeftovers`).
 */
import {type ChildProcess, spawn, type StdioOptions} from 'node:child_process'
import {mkdirSync, promises as fs, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'

/** Sends `signal` to the process group led by `pid` (falls back to the process alone). */
export function signalTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return
  try {
    process.kill(-pid, signal)
  } catch {
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
}

export interface SpawnTreeOptions {
  env: Record<string, string>
  cwd?: string
  stdio: StdioOptions
  /** Records the tree while it lives (gateway ledger). */
  ledger?: ProcessLedger
}

/**
 * Spawns `file args` as the leader of a new process group. When the leader exits, the rest of
 * its group is killed: a function's tree never outlives the function process.
 */
export function spawnTree(file: string, args: string[], opts: SpawnTreeOptions): ChildProcess {
  const child = spawn(file, args, {env: opts.env, cwd: opts.cwd, stdio: opts.stdio, detached: true})
  const pid = child.pid
  if (pid !== undefined) {
    const forget = opts.ledger?.record(pid)
    child.once('exit', () => {
      signalTree(pid, 'SIGKILL')
      forget?.()
    })
  }
  return child
}

/**
 * Stops a tree: SIGTERM to the group, SIGKILL after `graceMs` if the leader is still there.
 * Resolves when the leader has exited.
 */
export function stopTree(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    signalTree(child.pid, 'SIGKILL')
    return Promise.resolve()
  }
  return new Promise<void>((resolve) => {
    const kill = setTimeout(() => signalTree(child.pid, 'SIGKILL'), graceMs)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    signalTree(child.pid, 'SIGTERM')
  })
}

/** Linux: the start time of a process (clock ticks since boot), to tell a reused pid apart. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name (field 2) may contain spaces and parentheses: fields follow the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return fields[19]
  } catch {
    return undefined
  }
}

/** One file per live tree: `<dir>/<pid>` holding the leader's start time. */
export class ProcessLedger {
  constructor(readonly dir: string) {}

  record(pid: number): () => void {
    const file = path.join(this.dir, String(pid))
    try {
      mkdirSync(this.dir, {recursive: true, mode: 0o700})
      writeFileSync(file, `${startTime(pid) ?? ''}\n`, {mode: 0o600})
    } catch {
      return () => {}
    }
    return () => rmSync(file, {force: true})
  }

  /**
   * Kills the trees a previous gateway left (it was killed before it could stop them). A group
   * whose leader is gone still has the leader's pid as its id, and Linux does not hand that
   * pid out again while the group has members; a leader pid now used by another process (other
   * start time) means the old group is gone. Returns how many trees were stopped.
   */
  async reapLeftovers(): Promise<number> {
    // without /proc a reused pid can't be told apart: better leave a stray than kill a stranger
    if (process.platform !== 'linux') return 0
    let names: string[]
    try {
      names = await fs.readdir(this.dir)
    } catch {
      return 0
    }
    let reaped = 0
    for (const name of names) {
      const pid = Number(name)
      const file = path.join(this.dir, name)
      if (!Number.isInteger(pid) || pid <= 1) {
        await fs.rm(file, {force: true})
        continue
      }
      const recorded = (await fs.readFile(file, 'utf8').catch(() => '')).trim()
      const now = startTime(pid)
      const sameLeader = now !== undefined && recorded !== '' && now === recorded
      if (now === undefined || sameLeader) {
        try {
          process.kill(-pid, 'SIGKILL')
          reaped++
        } catch {
          // nothing left of that group
        }
      }
      await fs.rm(file, {force: true})
    }
    return reaped
  }
}
