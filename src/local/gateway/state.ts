/**
 * What the embedded gateway keeps in its data directory, so deployed functions survive a
 * restart:
 *   state.json                      namespaces and deployments (with the build each one runs)
 *   secrets/<ns>/<name>             secret values (dir 0700, file 0600)
 *   run/<ns>/<fn>/secrets/<name>    the secrets one function may read (its OPENFAAS_SECRETS_PATH)
 * state.json is replaced atomically (temp file + rename); saves are serialised.
 */
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {writeFileAtomic} from '../../fsutil.js'
import type {FunctionDeployment} from '../../gateway/types.js'
import type {ImageIndexEntry} from '../image-index.js'

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
    try {
      const parsed = JSON.parse(await fs.readFile(this.stateFile, 'utf8')) as Partial<GatewayState>
      return {version: 1, namespaces: parsed.namespaces ?? {}, functions: parsed.functions ?? {}}
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        // Keep the unreadable file for inspection rather than overwrite it silently.
        await fs.rename(this.stateFile, `${this.stateFile}.corrupt-${Date.now()}`).catch(() => {})
      }
      return {version: 1, namespaces: {}, functions: {}}
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
    return path.join(this.dataDir, 'secrets', ns, name)
  }

  async listSecrets(ns: string): Promise<string[]> {
    try {
      return (await fs.readdir(path.join(this.dataDir, 'secrets', ns))).filter((n) => !n.startsWith('.')).sort()
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
    await fs.rm(path.join(this.dataDir, 'secrets', ns), {recursive: true, force: true})
  }

  /** The secrets directory of one function. */
  functionSecretsDir(ns: string, fn: string): string {
    return path.join(this.dataDir, 'run', ns, fn, 'secrets')
  }

  /** Makes the function's secrets directory hold exactly its declared secrets (copies, 0400). */
  async syncFunctionSecrets(ns: string, fn: string, secrets: string[]): Promise<void> {
    const dir = this.functionSecretsDir(ns, fn)
    await fs.mkdir(dir, {recursive: true, mode: 0o700})
    await fs.chmod(path.join(this.dataDir, 'run'), 0o700).catch(() => {})
    const wanted = new Set(secrets)
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

  async removeFunctionDir(ns: string, fn: string): Promise<void> {
    await fs.rm(path.join(this.dataDir, 'run', ns, fn), {recursive: true, force: true})
  }
}
