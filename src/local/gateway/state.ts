/**
 * What the embedded gateway keeps in its data directory, so deployed functions survive a
 * restart:
 *   state.json                      namespaces and deployments (with the build each one runs)
 *   secrets/<ns>/<name>             secret values (dir 0700, file 0600)
 *   run/<ns>/<fn>/secrets/<name>    the secrets one function may read (its OPENFAAS_SECRETS_PATH)
 *   run/<ns>/<fn>/logs/             its log lines, a two-file ring (log-file.ts)
 *   async/                          accepted asynchronous calls until done (async-store.ts)
 *   processes/<pid>                 process trees of functions while they run (process-tree.ts)
 * state.json is replaced atomically (temp file + rename); saves are serialised.
 * Names are checked where requests bring them (names.ts); every path built here checks them again,
 * and names in a loaded state.json that no request could have made are dropped.
 */
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {writeFileAtomic} from '../../fsutil.js'
import type {FunctionDeployment} from '../../gateway/types.js'
import type {ImageIndexEntry} from '../image-index.js'
import {isValidName, type NameKind} from './names.js'

export interface StoredFunction {
  deployment: FunctionDeployment
  build: ImageIndexEntry
  replicas: number
  createdAt: string
}

export interface StoredNamespace {
  labels: Record<string, string>
  annotations: Record<string, string>
}

export interface GatewayState {
  version: 1
  namespaces: Record<string, StoredNamespace>
  /** Keyed `<namespace>/<name>`. */
  functions: Record<string, StoredFunction>
}

export class StateStore {
  private saving: Promise<void> = Promise.resolve()

  constructor(readonly dataDir: string) {}

  get stateFile(): string {
    return path.join(this.dataDir, 'state.json')
  }

  async load(): Promise<GatewayState> {
    await fs.mkdir(this.dataDir, {recursive: true, mode: 0o700})
    await fs.chmod(this.dataDir, 0o700).catch(() => {})
    // temp files of a save cut short by a killed gateway (one gateway per data dir: none is ours)
    for (const name of await fs.readdir(this.dataDir).catch(() => [] as string[])) {
      if (name.startsWith('.state.json.') && name.endsWith('.tmp')) await fs.rm(path.join(this.dataDir, name), {force: true})
    }
    try {
      const parsed = JSON.parse(await fs.readFile(this.stateFile, 'utf8')) as Partial<GatewayState>
      const namespaces: GatewayState['namespaces'] = Object.create(null)
      for (const [ns, v] of Object.entries(parsed.namespaces ?? {})) {
        if (isValidName('namespace', ns) && v && typeof v === 'object') {
          namespaces[ns] = {labels: nullProto(v.labels), annotations: nullProto(v.annotations)}
        }
      }
      const functions: GatewayState['functions'] = Object.create(null)
      for (const [k, v] of Object.entries(parsed.functions ?? {})) {
        const [ns, name, extra] = k.split('/')
        if (extra === undefined && isValidName('namespace', ns) && isValidName('function', name ?? '') && v?.deployment && v.build) functions[k] = v
      }
      return {version: 1, namespaces, functions}
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        // Keep the unreadable file for inspection rather than overwrite it silently.
        await fs.rename(this.stateFile, `${this.stateFile}.corrupt-${Date.now()}`).catch(() => {})
      }
      return {version: 1, namespaces: Object.create(null), functions: Object.create(null)}
    }
  }

  /** Saves a snapshot; calls are queued so the last snapshot always wins. */
  save(state: GatewayState): Promise<void> {
    const text = JSON.stringify(state, null, 2) + '\n'
    const next = this.saving.then(() => writeFileAtomic(this.stateFile, text, {mode: 0o600, dirMode: 0o700}))
    this.saving = next.catch(() => {})
    return next
  }

  // --- secrets ---------------------------------------------------------------------------

  secretFile(ns: string, name: string): string {
    return path.join(this.dataDir, 'secrets', segment('namespace', ns), segment('secret', name))
  }

  async listSecrets(ns: string): Promise<string[]> {
    try {
      return (await fs.readdir(path.join(this.dataDir, 'secrets', segment('namespace', ns)))).filter((n) => isValidName('secret', n)).sort()
    } catch {
      return []
    }
  }

  async secretExists(ns: string, name: string): Promise<boolean> {
    try {
      return (await fs.stat(this.secretFile(ns, name))).isFile()
    } catch {
      return false
    }
  }

  async writeSecret(ns: string, name: string, value: Buffer): Promise<void> {
    await fs.mkdir(path.join(this.dataDir, 'secrets'), {recursive: true, mode: 0o700})
    await writeFileAtomic(this.secretFile(ns, name), value, {mode: 0o600, dirMode: 0o700})
  }

  async deleteSecret(ns: string, name: string): Promise<void> {
    await fs.rm(this.secretFile(ns, name), {force: true})
  }

  async deleteNamespaceSecrets(ns: string): Promise<void> {
    await fs.rm(path.join(this.dataDir, 'secrets', segment('namespace', ns)), {recursive: true, force: true})
  }

  /** The secrets directory of one function. */
  functionSecretsDir(ns: string, fn: string): string {
    return path.join(this.dataDir, 'run', segment('namespace', ns), segment('function', fn), 'secrets')
  }

  /** Makes the function's secrets directory hold exactly its declared secrets (copies, 0400). */
  async syncFunctionSecrets(ns: string, fn: string, secrets: string[]): Promise<void> {
    const dir = this.functionSecretsDir(ns, fn)
    await fs.mkdir(dir, {recursive: true, mode: 0o700})
    await fs.chmod(path.join(this.dataDir, 'run'), 0o700).catch(() => {})
    const wanted = new Set(secrets.map((name) => segment('secret', name)))
    for (const name of await fs.readdir(dir)) {
      if (!wanted.has(name)) await fs.rm(path.join(dir, name), {force: true})
    }
    for (const name of wanted) {
      try {
        const value = await fs.readFile(this.secretFile(ns, name))
        await writeFileAtomic(path.join(dir, name), value, {mode: 0o400, dirMode: 0o700})
      } catch {
        await fs.rm(path.join(dir, name), {force: true})
      }
    }
  }

  /** Where one function's log lines are kept (removed with the function). */
  functionLogsDir(ns: string, fn: string): string {
    return path.join(this.dataDir, 'run', segment('namespace', ns), segment('function', fn), 'logs')
  }

  async removeFunctionDir(ns: string, fn: string): Promise<void> {
    await fs.rm(path.join(this.dataDir, 'run', segment('namespace', ns), segment('function', fn)), {recursive: true, force: true})
  }

  /** Where the trees of function processes are recorded while they run (see process-tree.ts). */
  get processLedgerDir(): string {
    return path.join(this.dataDir, 'processes')
  }
}

/** A name used as one path segment: checked again here, so no caller can make it a path. */
function segment(kind: NameKind, name: string): string {
  if (!isValidName(kind, name)) throw new Error(`refusing ${kind} name ${JSON.stringify(name)} as a path`)
  return name
}

function nullProto(v: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out[k] = String(x ?? '')
  return out
}
