/**
 * The one way a function process is started (by the watchdog modes, in the gateway or alone):
 * through the replica's launcher (which may put bubblewrap in front of it), as a process tree of
 * its own that dies with its leader and is recorded while it lives.
 */
import type {ChildProcess, StdioOptions} from 'node:child_process'
import {type ProcessLedger, spawnTree} from './process-tree.js'
import {sharedSpawnPool, type SpawnPool} from './spawn-pool.js'

export interface Launcher {
  /** What to spawn to run `file args` with `env`. */
  command(file: string, args: string[], env: Record<string, string>): {file: string; args: string[]}
  /** Where started trees are recorded (the gateway's data dir), if anywhere. */
  ledger?: ProcessLedger
  /**
   * Where buffered fork-mode calls run: helper processes in the same confinement, handed the
   * plain `file args` (undefined: on the calling thread, through `command`).
   */
  pool(): SpawnPool | undefined
  /** Stops the helpers this launcher started for itself (the replica is going away). */
  close(): void
}

/** No sandbox, no ledger: `faas watchdog` and `faas local-run`. */
export const DIRECT_LAUNCHER: Launcher = {command: (file, args) => ({file, args}), pool: sharedSpawnPool, close: () => {}}

export function launch(
  launcher: Launcher,
  file: string,
  args: string[],
  opts: {env: Record<string, string>; cwd?: string; stdio: StdioOptions},
): ChildProcess {
  const cmd = launcher.command(file, args, opts.env)
  return spawnTree(cmd.file, cmd.args, {...opts, ledger: launcher.ledger})
}
