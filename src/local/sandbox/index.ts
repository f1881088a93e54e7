/**
 * How the embedded gateway starts function processes: the sandbox in force (bubblewrap where it
 * works, else none), and the launcher each function replica uses to start its processes in it.
 * The watchdog modes never spawn a function themselves; they ask their launcher (launch.ts).
 */
import {statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {FaasError} from '../../errors.js'
import {findExecutable} from '../../util/executable.js'
import {bubblewrapArgs, type FunctionBox, type HostView, hostView, probeBubblewrap, SANDBOX_SECRETS_PATH} from './bubblewrap.js'
import {DIRECT_LAUNCHER, type Launcher} from './launch.js'
import {ProcessLedger} from './process-tree.js'
import {spawnErrorText, spawnHelpersSetting, SpawnPool} from './spawn-pool.js'

export type SandboxMode = 'auto' | 'bubblewrap' | 'none'
export const SANDBOX_MODES: readonly SandboxMode[] = ['auto', 'bubblewrap', 'none']
export type {FunctionBox} from './bubblewrap.js'

export interface Sandbox {
  readonly kind: 'bubblewrap' | 'none'
  /** Under `auto`, why there is no sandbox (for the one warning at start-up). */
  readonly unavailable?: string
  /** Where unconfined process trees are recorded, so a later gateway can reap what a killed one left. */
  readonly ledger?: ProcessLedger
  /** The launcher of one function replica. */
  launcher(box: FunctionBox): Launcher
  /** Where the function finds its secrets, as it sees the file system. */
  secretsPath(hostDir: string): string
  /** Variables the sandbox decides (e.g. TMPDIR=/tmp: its private one). */
  readonly environment: Record<string, string>
  /** Settings of a deployment this gateway cannot enforce, as warnings for the deploy answer. */
  unenforced(d: {limits?: Record<string, string>; readOnlyRootFilesystem?: boolean}): string[]
}

export interface SandboxOptions {
  env: NodeJS.ProcessEnv
  /** Folders no function may see (the data dir, faas's own state and config, the image store). */
  hide: string[]
  /** Where started trees are recorded (the data dir's run/processes). */
  ledgerDir?: string
}

export async function createSandbox(mode: SandboxMode, opts: SandboxOptions): Promise<Sandbox> {
  const ledger = opts.ledgerDir ? new ProcessLedger(opts.ledgerDir) : undefined
  if (mode === 'none') return new Unconfined(ledger)
  const bwrap = await findExecutable('bwrap', opts.env)
  const problem = bwrap ? await probeBubblewrap(bwrap) : 'bwrap (Debian/Ubuntu package "bubblewrap") is not installed'
  if (problem !== undefined || !bwrap) {
    if (mode === 'bubblewrap') {
      throw new FaasError(`--sandbox bubblewrap: ${problem}`, {hint: 'install bubblewrap (apt-get install bubblewrap), or use --sandbox auto|none'})
    }
    return new Unconfined(ledger, problem)
  }
  // node itself must be visible inside: the fork-mode helpers run there
  const view = await hostView({home: opts.env.HOME, path: opts.env.PATH, programs: [process.execPath], hide: opts.hide})
  return new Bubblewrapped(bwrap, view, ledger)
}

function limitWarnings(limits: Record<string, string> | undefined): string[] {
  const out: string[] = []
  for (const [k, v] of Object.entries(limits ?? {})) {
    if (v) out.push(`limits.${k}=${v} is not enforced by the faas gateway (no cgroups for host processes)`)
  }
  return out
}

class Unconfined implements Sandbox {
  readonly kind = 'none'
  readonly environment: Record<string, string> = {}

  constructor(
    readonly ledger?: ProcessLedger,
    readonly unavailable?: string,
  ) {}

  launcher(): Launcher {
    return {...DIRECT_LAUNCHER, ledger: this.ledger}
  }

  secretsPath(hostDir: string): string {
    return hostDir
  }

  unenforced(d: {limits?: Record<string, string>; readOnlyRootFilesystem?: boolean}): string[] {
    const out = limitWarnings(d.limits)
    if (d.readOnlyRootFilesystem) out.push('readOnlyRootFilesystem is not enforced without a sandbox (start the gateway where bubblewrap works)')
    return out
  }
}

class Bubblewrapped implements Sandbox {
  readonly kind = 'bubblewrap'
  readonly environment: Record<string, string> = {TMPDIR: '/tmp'}

  constructor(
    private readonly bwrap: string,
    private readonly view: HostView,
    readonly ledger?: ProcessLedger,
  ) {}

  launcher(box: FunctionBox): Launcher {
    const options = bubblewrapArgs(this.view, box)
    const found = new Set<string>()
    const command = (file: string, args: string[], env: Record<string, string>) => {
      // bwrap would report a missing program or folder in its own words: look for them first,
      // and let a missing one fail unwrapped (nothing runs), with the watchdog's usual message.
      if (!isDir(box.dir)) return {file, args}
      if (!found.has(file)) {
        if (!programExists(file, env.PATH ?? '', box.dir)) return {file, args}
        found.add(file)
      }
      return {file: this.bwrap, args: [...options, '--', file, ...args]}
    }
    let pool: SpawnPool | undefined
    const setting = spawnHelpersSetting()
    return {
      // no ledger: --die-with-parent already takes every tree with a killed gateway, so a
      // function call costs no file writes (the ledger serves `reapLeftovers` of unconfined runs)
      command,
      pool: () => {
        if (setting === 0) return undefined
        // helpers inside this replica's sandbox: a call is then a plain spawn in there
        pool ??= new SpawnPool({
          size: setting !== undefined && setting > 0 ? setting : Math.min(2, os.availableParallelism?.() ?? os.cpus().length),
          node: {file: this.bwrap, args: [...options, '--', process.execPath], cwd: box.dir},
          fallback: (job) => ({...job, ...command(job.file, job.args, job.env)}),
          precheck: (job) => (isDir(box.dir) ? undefined : spawnErrorText(Object.assign(new Error('missing'), {code: 'ENOENT'}), job.file, box.dir, () => false)),
        })
        return pool
      },
      close: () => {
        void pool?.close()
        pool = undefined
      },
    }
  }

  secretsPath(): string {
    return SANDBOX_SECRETS_PATH
  }

  unenforced(d: {limits?: Record<string, string>}): string[] {
    return limitWarnings(d.limits)
  }
}

function programExists(file: string, searchPath: string, cwd: string): boolean {
  if (file.includes('/')) return isFile(path.resolve(cwd, file))
  return searchPath.split(path.delimiter).some((dir) => dir !== '' && isFile(path.resolve(cwd, dir, file)))
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile()
  } catch {
    return false
  }
}
