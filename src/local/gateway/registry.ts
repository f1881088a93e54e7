/**
 * What the embedded gateway has deployed: functions (each a FunctionRuntime with its replicas),
 * namespaces and secrets, kept in the data directory (state.ts) and brought back on start.
 * The API routes parse and check requests, then call this; changes run one at a time.
 * Names reaching it have been checked (names.ts); a state file is checked the same way on load.
 */
import {isDirectory as isDir} from '../../fsutil.js'
import {scheduleWarnings} from '../../util/cron-schedule.js'
import type {FunctionDeployment, FunctionNamespace} from '../../gateway/types.js'
import {type ImageIndexEntry, lookupImage} from '../image-index.js'
import {readWatchdogConfig} from '../watchdog/config.js'
import {MAX_REPLICAS, scalePolicy} from './autoscaler.js'
import {DEFAULT_NAMESPACE, FunctionRuntime, type RuntimeSettings} from './function-runtime.js'
import {HttpError} from './http.js'
import {LogFile} from './log-file.js'
import {type GatewayState, StateStore, type StoredFunction} from './state.js'


export {MAX_REPLICAS} from './autoscaler.js'

export interface DeployOutcome {
  /** 202 created, 200 updated. */
  status: number
  /** Settings the gateway can't enforce (limits, …): told to the client and logged. */
  warnings: string[]
}

export class Registry {
  readonly functions = new Map<string, FunctionRuntime>()
  private mutex: Promise<unknown> = Promise.resolve()
  /** Resolves once restored functions have been started. */
  restored: Promise<void> = Promise.resolve()
  /** Told after every change of what is deployed (the built-in cron follows deploys this way). */
  private readonly listeners: Array<() => void> = []

  constructor(
    private readonly store: StateStore,
    private readonly state: GatewayState,
    private readonly indexPath: string,
    private readonly settings: RuntimeSettings,
  ) {}

  static async open(dataDir: string, indexPath: string, settings: RuntimeSettings): Promise<Registry> {
    const store = new StateStore(dataDir)
    return new Registry(store, await store.load(), indexPath, settings)
  }

  get dataDir(): string {
    return this.store.dataDir
  }

  /** The local image index deploys are resolved in (the portal shows which store images can run). */
  get imageIndexPath(): string {
    return this.indexPath
  }

  /** Runs state changes one after another. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.mutex.then(fn, fn)
    this.mutex = next.catch(() => {})
    return next
  }

  /** Waits for the changes in progress. */
  settled(): Promise<void> {
    return this.mutex.then(() => {})
  }

  // ---- functions ----------------------------------------------------------------------------

  get(namespace: string, name: string): FunctionRuntime | undefined {
    return this.functions.get(key(namespace, name))
  }

  inNamespace(namespace: string): FunctionRuntime[] {
    return [...this.functions.values()].filter((f) => f.namespace === namespace).sort((a, b) => a.name.localeCompare(b.name))
  }

  /** Starts the functions of the saved state, in the background. */
  restore(): void {
    const jobs: Array<Promise<void>> = []
    for (const [k, stored] of Object.entries(this.state.functions)) {
      const slash = k.indexOf('/')
      const ns = k.slice(0, slash)
      const name = k.slice(slash + 1)
      const fn = this.runtimeFor(name, ns, stored)
      this.functions.set(k, fn)
      jobs.push(
        (async () => {
          if (!(await isDir(fn.build.dir))) {
            const again = await lookupImage(fn.deployment.image, this.indexPath).catch(() => undefined)
            if (again && (await isDir(again.dir))) fn.build = again
            else fn.event(`the build of ${fn.deployment.image} is missing; rebuild and deploy it again`)
          }
          await this.store.syncFunctionSecrets(ns, name, fn.deployment.secrets ?? [])
          fn.event(`restored with ${stored.replicas} replica(s)`)
          await fn.scale(stored.replicas)
        })().catch((err) => fn.event(`could not start: ${(err as Error).message}`)),
      )
    }
    this.restored = Promise.all(jobs).then(() => {})
  }

  private runtimeFor(name: string, ns: string, stored: StoredFunction): FunctionRuntime {
    const fn = new FunctionRuntime(name, ns, stored.deployment, stored.build, stored.createdAt, this.store.functionSecretsDir(ns, name), this.settings, stored.replicas)
    const onError = (err: Error) => this.settings.onEvent?.(fn.label, `could not keep its logs on disk: ${err.message}`)
    fn.logs.persistTo(new LogFile(this.store.functionLogsDir(ns, name), {maxFileBytes: this.settings.logFileBytes, onError}))
    return fn
  }

  /** Calls `listener` after every change of what is deployed. */
  onChange(listener: () => void): void {
    this.listeners.push(listener)
  }

  private persist(): Promise<void> {
    for (const listener of this.listeners) listener()
    const functions: GatewayState['functions'] = Object.create(null)
    for (const [k, fn] of this.functions) {
      functions[k] = {deployment: fn.deployment, build: fn.build, replicas: fn.desired, createdAt: fn.createdAt}
    }
    this.state.functions = functions
    return this.store.save(this.state)
  }

  /** Deploys (update=false) or updates a function. Call inside exclusive(). */
  async deploy(d: FunctionDeployment, update: boolean): Promise<DeployOutcome> {
    const ns = d.namespace || DEFAULT_NAMESPACE
    this.requireNamespace(ns)
    const k = key(ns, d.service)
    const existing = this.functions.get(k)
    if (update && !existing) throw new HttpError(404, `function: ${d.service}.${ns} not found`)
    if (!update && existing) throw new HttpError(400, `function ${d.service}.${ns} already exists`)
    for (const s of d.secrets ?? []) {
      if (!(await this.store.secretExists(ns, s))) throw new HttpError(400, `unable to find secret: ${s}`)
    }
    const build = await this.resolveBuild(d.image)
    checkConfiguration(d, build)
    const scaling = scalePolicy(d.labels, MAX_REPLICAS)
    const warnings = [
      ...this.settings.sandbox.unenforced({limits: cleanResources(d.limits), readOnlyRootFilesystem: d.readOnlyRootFilesystem}),
      ...scaling.warnings,
      ...scheduleWarnings(d.annotations),
    ]
    await this.store.syncFunctionSecrets(ns, d.service, d.secrets ?? [])
    if (existing) {
      await existing.replace(d, build)
      existing.event(`updated (image ${d.image}, build ${build.digest.slice(7, 19)})`)
      for (const w of warnings) existing.event(`warning: ${w}`)
      await this.persist()
      return {status: 200, warnings}
    }
    const replicas = scaling.policy.min
    const createdAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
    const fn = this.runtimeFor(d.service, ns, {deployment: d, build, replicas, createdAt})
    this.functions.set(k, fn)
    fn.event(`deployed (image ${d.image}, build ${build.digest.slice(7, 19)}, ${build.mode} mode, sandbox ${this.settings.sandbox.kind})`)
    for (const w of warnings) fn.event(`warning: ${w}`)
    await fn.scale(replicas)
    await this.persist()
    return {status: 202, warnings}
  }

  private async resolveBuild(image: string): Promise<ImageIndexEntry> {
    const entry = await lookupImage(image, this.indexPath)
    if (!entry) {
      throw new HttpError(400, `image ${image} was not found in the local image index: build it on this machine first (faas build or faas up, with --builder host)`)
    }
    if (!(await isDir(entry.dir))) throw new HttpError(400, `the build of image ${image} is missing: build it again`)
    return entry
  }

  /** Removes a function: its processes stop, its secrets folder goes. Call inside exclusive(). */
  async remove(namespace: string, name: string): Promise<void> {
    this.requireNamespace(namespace)
    if (!this.functions.has(key(namespace, name))) throw new HttpError(404, `function: ${name}.${namespace} not found`)
    await this.removeQuietly(key(namespace, name))
    await this.persist()
  }

  private async removeQuietly(k: string): Promise<void> {
    const fn = this.functions.get(k)
    if (!fn) return
    this.functions.delete(k)
    fn.event('removed')
    await fn.stop()
    await this.store.removeFunctionDir(fn.namespace, fn.name)
  }

  /** Scales a function (capped by com.openfaas.scale.max and MAX_REPLICAS). Call inside exclusive(). */
  async scale(namespace: string, name: string, replicas: number): Promise<void> {
    const fn = this.get(namespace, name)
    if (!fn) throw new HttpError(404, `function: ${name}.${namespace} not found`)
    let target = Math.min(replicas, MAX_REPLICAS)
    const max = Number(fn.deployment.labels?.['com.openfaas.scale.max'])
    if (Number.isInteger(max) && max > 0 && target > max) target = max
    fn.event(`scaled to ${target} replica(s)`)
    await fn.scale(target)
    await this.persist()
  }

  /** The autoscaler's change: replicas follow, the saved state keeps the count. */
  async autoscale(fn: FunctionRuntime, replicas: number): Promise<void> {
    if (this.get(fn.namespace, fn.name) !== fn) return
    // the count is set at once; starting or draining replicas goes on outside the state lock
    const scaled = fn.scale(replicas)
    await this.exclusive(() => this.persist())
    await scaled
  }

  // ---- namespaces ---------------------------------------------------------------------------

  namespaceExists(ns: string): boolean {
    return ns === DEFAULT_NAMESPACE || Object.hasOwn(this.state.namespaces, ns)
  }

  requireNamespace(ns: string): void {
    if (!this.namespaceExists(ns)) {
      throw new HttpError(400, `namespace not valid: "${ns}" does not exist (create it with: faas namespace create ${ns})`)
    }
  }

  namespaceNames(): string[] {
    return [DEFAULT_NAMESPACE, ...Object.keys(this.state.namespaces).filter((n) => n !== DEFAULT_NAMESPACE).sort()]
  }

  namespace(ns: string): FunctionNamespace | undefined {
    if (!this.namespaceExists(ns)) return undefined
    const stored = Object.hasOwn(this.state.namespaces, ns) ? this.state.namespaces[ns] : undefined
    const out: FunctionNamespace = {name: ns, labels: stored?.labels ?? {openfaas: '1'}}
    if (stored && Object.keys(stored.annotations).length) out.annotations = stored.annotations
    return out
  }

  /** Creates (202 → 201) or replaces a namespace's labels and annotations. Call inside exclusive(). */
  async saveNamespace(ns: string, create: boolean, labels: Record<string, string>, annotations: Record<string, string>): Promise<number> {
    const known = Object.hasOwn(this.state.namespaces, ns)
    if (create && this.namespaceExists(ns)) throw new HttpError(409, `namespace ${ns} already exists`)
    if (!create && !known) {
      if (ns === DEFAULT_NAMESPACE) throw new HttpError(400, 'the default namespace cannot be changed')
      throw new HttpError(404, `namespace ${ns} not found`)
    }
    const merged: Record<string, string> = Object.assign(Object.create(null), {openfaas: '1'}, labels)
    this.state.namespaces[ns] = {labels: merged, annotations}
    await this.persist()
    return create ? 201 : 202
  }

  /** Removes a namespace with its functions and secrets. Call inside exclusive(). */
  async removeNamespace(ns: string): Promise<void> {
    if (ns === DEFAULT_NAMESPACE) throw new HttpError(400, 'the default namespace cannot be removed')
    if (!Object.hasOwn(this.state.namespaces, ns)) throw new HttpError(404, `namespace ${ns} not found`)
    for (const [k, fn] of [...this.functions]) if (fn.namespace === ns) await this.removeQuietly(k)
    delete this.state.namespaces[ns]
    await this.store.deleteNamespaceSecrets(ns)
    await this.persist()
  }

  // ---- secrets ------------------------------------------------------------------------------

  listSecrets(ns: string): Promise<string[]> {
    return this.store.listSecrets(ns)
  }

  /** Creates (create=true, 201) or updates (200) a secret. Call inside exclusive(). */
  async writeSecret(ns: string, name: string, value: Buffer, create: boolean): Promise<number> {
    const exists = await this.store.secretExists(ns, name)
    if (create && exists) throw new HttpError(409, `secret with the name "${name}" already exists`)
    if (!create && !exists) throw new HttpError(404, `unable to find secret: ${name}`)
    await this.store.writeSecret(ns, name, value)
    await this.refreshSecretsOf(ns)
    return create ? 201 : 200
  }

  /** Call inside exclusive(). */
  async deleteSecret(ns: string, name: string): Promise<void> {
    if (!(await this.store.secretExists(ns, name))) throw new HttpError(404, `unable to find secret: ${name}`)
    await this.store.deleteSecret(ns, name)
    await this.refreshSecretsOf(ns)
  }

  private async refreshSecretsOf(ns: string): Promise<void> {
    for (const fn of this.functions.values()) {
      if (fn.namespace === ns && fn.deployment.secrets?.length) await this.store.syncFunctionSecrets(ns, fn.name, fn.deployment.secrets)
    }
  }

  /** Stops every function process. */
  async close(): Promise<void> {
    await this.restored.catch(() => {})
    await Promise.all([...this.functions.values()].map((fn) => fn.stop()))
    await this.settled()
  }
}

function key(ns: string, name: string): string {
  return `${ns}/${name}`
}

/** Checks that the function's settings make a valid watchdog configuration before anything starts. */
function checkConfiguration(d: FunctionDeployment, build: ImageIndexEntry): void {
  const env: Record<string, string> = {mode: build.mode, fprocess: build.run, ...build.environment, ...(d.envVars ?? {})}
  if (d.envProcess && d.envProcess !== build.image_fprocess) env.fprocess = d.envProcess
  if (env.mode === 'http' && build.port_env) env.upstream_url = 'http://127.0.0.1:1'
  try {
    readWatchdogConfig(env)
  } catch (err) {
    throw new HttpError(400, `invalid function configuration: ${(err as Error).message}`)
  }
}

function cleanResources(r: Record<string, string | undefined> | undefined): Record<string, string> | undefined {
  if (!r) return undefined
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(r)) if (v) out[k] = v
  return out
}
