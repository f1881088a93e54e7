/**
 * One deployed function in the embedded gateway: its deployment, the built function it runs,
 * and its replicas. Each replica is an in-process watchdog (so a request costs one proxy hop)
 * driving its own function process(es); a crashing process is restarted by its replica and
 * never affects other replicas or functions. Requests are spread round-robin over replicas.
 */
import {promises as fs} from 'node:fs'
import type {FunctionDeployment} from '../../gateway/types.js'
import type {ImageIndexEntry} from '../image-index.js'
import {functionEnvironment} from '../sandbox/environment.js'
import type {Sandbox} from '../sandbox/index.js'
import {readWatchdogConfig} from '../watchdog/config.js'
import {Watchdog} from '../watchdog/watchdog.js'
import {FunctionLoad, MAX_REPLICAS, scalePolicy} from './autoscaler.js'
import {LogStore} from './log-store.js'

export const DEFAULT_NAMESPACE = 'openfaas-fn'

export interface RuntimeSettings {
  /** The minimal environment every function starts from (PATH, HOME, LANG, …). */
  baseEnv: Record<string, string>
  /** Where and how function processes run. */
  sandbox: Sandbox
  /** Default `max_request_body` when the function sets none (0 = no limit). */
  maxRequestBodyBytes: number
  /** Where gateway events about functions are reported (besides the function's logs). */
  onEvent?: (fn: string, message: string) => void
  /** Largest size of each of the two log files kept per function (default 2 MiB). */
  logFileBytes?: number
  /** Every line a function process writes (besides the function's log store). */
  onLog?: (fn: string, instance: string, line: string) => void
}

export interface Replica {
  id: string
  watchdog: Watchdog
}


export class FunctionRuntime {
  readonly logs = new LogStore()
  /** Requests in flight and started, for the autoscaler. */
  readonly load = new FunctionLoad()
  replicas: Replica[] = []
  /** Desired replicas (what scale-function set). */
  desired: number
  invocations = 0
  private rr = 0
  private nextReplica = 1
  private scaling?: Promise<void>
  private stopped = false

  constructor(
    readonly name: string,
    readonly namespace: string,
    public deployment: FunctionDeployment,
    public build: ImageIndexEntry,
    public readonly createdAt: string,
    private readonly secretsDir: string,
    private readonly settings: RuntimeSettings,
    desired = 1,
  ) {
    this.desired = desired
  }

  get label(): string {
    return `${this.name}.${this.namespace}`
  }

  get availableReplicas(): number {
    let n = 0
    for (const r of this.replicas) if (r.watchdog.isReady) n++
    return n
  }

  event(message: string): void {
    this.logs.append('gateway', message)
    this.settings.onEvent?.(this.label, message)
  }

  /** The environment of a new replica. */
  private replicaEnvironment(): Promise<Record<string, string>> {
    const sandbox = this.settings.sandbox
    return functionEnvironment({
      baseEnv: this.settings.baseEnv,
      build: this.build,
      envVars: this.deployment.envVars,
      envProcess: this.deployment.envProcess,
      secretsDir: sandbox.secretsPath(this.secretsDir),
      name: this.name,
      namespace: this.namespace,
      maxRequestBodyBytes: this.settings.maxRequestBodyBytes,
      overrides: sandbox.environment,
    })
  }

  private async createReplica(): Promise<Replica> {
    const id = `${this.name}-${this.nextReplica++}`
    const env = await this.replicaEnvironment()
    const config = readWatchdogConfig(env)
    const launcher = this.settings.sandbox.launcher({
      dir: this.build.dir,
      writable: !this.deployment.readOnlyRootFilesystem,
      secretsDir: this.secretsDir,
    })
    // The gateway serves on its own port; the watchdog's port and lock file don't apply here.
    const watchdog = new Watchdog({
      config,
      env,
      cwd: this.build.dir,
      logs: (_stream, line) => {
        this.logs.append(id, line)
        this.settings.onLog?.(this.name, id, line)
      },
      errorStyle: 'gateway',
      restart: true,
      label: this.label,
      portEnv: this.build.port_env,
      launcher,
      onProcessExit: () => {},
    })
    watchdog.start()
    return {id, watchdog}
  }

  /** Starts or stops replicas to match `n` (0 stops all). */
  async scale(n: number): Promise<void> {
    this.desired = n
    const run = async () => {
      while (!this.stopped && this.replicas.length < this.desired) this.replicas.push(await this.createReplica())
      const extra = this.replicas.splice(this.desired)
      await Promise.all(extra.map((r) => this.retire(r)))
    }
    // Scale operations run one after another, so concurrent calls can't over- or under-shoot.
    const prev = this.scaling ?? Promise.resolve()
    const next = prev.then(run, run)
    this.scaling = next
    try {
      await next
    } finally {
      if (this.scaling === next) this.scaling = undefined
    }
  }

  /** New replicas for a new deployment or build; the old ones finish their requests, then stop. */
  async replace(deployment: FunctionDeployment, build: ImageIndexEntry): Promise<void> {
    this.deployment = deployment
    this.build = build
    const count = this.replicas.length
    const fresh: Replica[] = []
    for (let i = 0; i < count; i++) fresh.push(await this.createReplica())
    const old = this.replicas
    this.replicas = fresh
    void Promise.all(old.map((r) => this.retire(r)))
  }

  private async retire(r: Replica, graceMs = 2000): Promise<void> {
    await r.watchdog.drain(Math.min(r.watchdog.config.writeTimeoutMs, 30_000))
    await r.watchdog.stop(graceMs)
  }

  /**
   * The replica for the next request: round-robin, preferring ready replicas. Scales up from
   * zero first (to max(1, com.openfaas.scale.min)); concurrent cold starts share one scale-up,
   * and a call that arrives while the function is being scaled to zero starts it again.
   */
  async pick(): Promise<Replica | undefined> {
    for (let tries = 0; this.replicas.length === 0; tries++) {
      if (this.stopped || tries === 3) return undefined
      if (this.desired === 0 || !this.scaling) {
        const n = Math.max(this.desired, scalePolicy(this.deployment.labels, MAX_REPLICAS).policy.min)
        if (this.desired === 0) this.event(`scaling from zero to ${n} replica(s)`)
        this.scale(n).catch((err: Error) => this.event(`could not start: ${err.message}`))
      }
      await this.scaling?.catch(() => {})
    }
    return this.pickNow()
  }

  /** Synchronous pick when replicas exist (the fast path). */
  pickNow(): Replica | undefined {
    const rs = this.replicas
    const n = rs.length
    if (n === 0) return undefined
    if (n === 1) return rs[0]
    for (let i = 0; i < n; i++) {
      const r = rs[(this.rr + i) % n]
      if (r.watchdog.isReady) {
        this.rr = (this.rr + i + 1) % n
        return r
      }
    }
    const r = rs[this.rr % n]
    this.rr = (this.rr + 1) % n
    return r
  }

  /** Resident memory of the function processes (Linux /proc), for `usage`. */
  async memoryBytes(): Promise<number | undefined> {
    let total = 0
    let any = false
    for (const r of this.replicas) {
      const pid = r.watchdog.pid
      if (!pid) continue
      try {
        const status = await fs.readFile(`/proc/${pid}/status`, 'utf8')
        const m = /VmRSS:\s+(\d+)\s+kB/.exec(status)
        if (m) {
          total += Number(m[1]) * 1024
          any = true
        }
      } catch {
        // not Linux, or the process just exited
      }
    }
    return any ? total : undefined
  }

  async stop(): Promise<void> {
    this.stopped = true
    const rs = this.replicas
    this.replicas = []
    await Promise.all(rs.map((r) => r.watchdog.stop(2000)))
    this.logs.close()
    await this.logs.flushed()
  }
}
