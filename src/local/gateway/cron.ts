/**
 * Cron, built into the embedded gateway: every function whose `topic` annotation names
 * `cron-function` and whose `schedule` annotation is a valid schedule is called on that schedule,
 * as OpenFaaS's cron-connector would call it (README, "Cron, built in"):
 *   POST /function/<name>.<namespace>  (or /async-function/… when the gateway runs with --cron-async,
 *   the connector's asynchronous_invocation), no body, headers X-Topic: cron-function and
 *   X-Connector: cron-connector, in every namespace, in the gateway's local time zone unless the
 *   schedule starts with CRON_TZ=.
 * Unlike the connector, which polls the gateway every 10 s, schedules follow deploys, updates and
 * removals at once: the registry tells the scheduler after every change (sync()).
 *
 * The scheduler keeps its own timers from an injectable clock (so tests need not wait a minute);
 * croner only computes the runs (../../util/cron-schedule.ts). A run whose function still has
 * `maxInflight` calls of earlier runs going is skipped and logged, so a slow function can't make
 * calls pile up without bound.
 */
import {CRON_TOPIC, type CronSchedule, cronScheduleOf, subscribesTo} from '../../util/cron-schedule.js'
import {formatDuration} from '../duration.js'
import type {GatewayLimits} from './limits.js'
import type {Registry} from './registry.js'
import {callFunctionThroughGateway, type SelfAddress} from './self-call.js'

/** Time and timers; the default is the real ones. */
export interface SchedulerClock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const REAL_CLOCK: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
}

/** Longest single timer: node's setTimeout overflows past 2^31-1 ms; a longer wait is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1

export interface CronFunction {
  name: string
  namespace: string
  annotations?: Readonly<Record<string, string>>
}

export interface CronRun {
  name: string
  namespace: string
  schedule: string
  /** When the run was due. */
  due: Date
}

export interface CronSchedulerOptions {
  /** Calls the function; resolves when the call has ended. */
  invoke: (run: CronRun) => Promise<void>
  /** An event about a function (its log and the terminal). */
  event: (namespace: string, name: string, message: string) => void
  /** Calls of one function from earlier runs that may still be going when a run is due. */
  maxInflight: number
  clock?: SchedulerClock
}

export interface CronEntry {
  name: string
  namespace: string
  schedule: string
  /** Undefined when the schedule has no future run. */
  next?: Date
  inflight: number
}

interface Job {
  name: string
  namespace: string
  schedule: CronSchedule
  next?: Date
  timer?: unknown
  inflight: number
  removed: boolean
}

export class CronScheduler {
  private readonly jobs = new Map<string, Job>()
  private readonly clock: SchedulerClock
  private closed = false

  constructor(private readonly opts: CronSchedulerOptions) {
    this.clock = opts.clock ?? REAL_CLOCK
  }

  /**
   * Makes the scheduled jobs match the deployed functions: new cron functions are added, removed
   * ones dropped, a changed schedule starts over. An unchanged schedule keeps its timer.
   */
  sync(functions: Iterable<CronFunction>): void {
    if (this.closed) return
    const wanted = new Map<string, {fn: CronFunction; schedule: CronSchedule}>()
    for (const fn of functions) {
      const k = key(fn.namespace, fn.name)
      const job = this.jobs.get(k)
      // an unchanged schedule is not read again (a sync runs after every change of any function)
      const text = fn.annotations && Object.hasOwn(fn.annotations, 'schedule') ? fn.annotations.schedule : undefined
      const schedule = job && job.schedule.text === text && subscribesTo(fn.annotations, CRON_TOPIC) ? job.schedule : cronScheduleOf(fn.annotations)
      if (schedule) wanted.set(k, {fn, schedule})
    }
    for (const [k, job] of this.jobs) {
      const w = wanted.get(k)
      if (!w || w.schedule.text !== job.schedule.text) {
        this.drop(k, job)
        this.opts.event(job.namespace, job.name, `cron: removed [${job.schedule.text}]`)
      }
    }
    for (const [k, {fn, schedule}] of wanted) {
      if (this.jobs.has(k)) continue
      const job: Job = {name: fn.name, namespace: fn.namespace, schedule, inflight: 0, removed: false}
      this.jobs.set(k, job)
      this.arm(job, this.clock.now())
      this.opts.event(fn.namespace, fn.name, `cron: scheduled [${schedule.text}], next run ${job.next ? job.next.toISOString() : 'never (the schedule has no future time)'}`)
    }
  }

  /** The scheduled functions, sorted by namespace and name. */
  entries(): CronEntry[] {
    return [...this.jobs.values()]
      .map((j) => ({name: j.name, namespace: j.namespace, schedule: j.schedule.text, next: j.next, inflight: j.inflight}))
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
  }

  nextRun(namespace: string, name: string): Date | undefined {
    return this.jobs.get(key(namespace, name))?.next
  }

  close(): void {
    this.closed = true
    for (const [k, job] of this.jobs) this.drop(k, job)
  }

  private drop(k: string, job: Job): void {
    job.removed = true
    if (job.timer !== undefined) this.clock.clearTimeout(job.timer)
    job.timer = undefined
    this.jobs.delete(k)
  }

  /** Sets the timer for the first run after `from`. */
  private arm(job: Job, from: number): void {
    job.next = job.schedule.next(new Date(from))
    this.wait(job)
  }

  private wait(job: Job): void {
    job.timer = undefined
    if (!job.next || job.removed) return
    const delay = Math.max(0, job.next.getTime() - this.clock.now())
    job.timer = this.clock.setTimeout(() => this.due(job), Math.min(delay, MAX_TIMER_MS))
  }

  private due(job: Job): void {
    if (job.removed || !job.next) return
    const now = this.clock.now()
    // a long wait in pieces, or a timer that fired before its time (clock changes)
    if (now < job.next.getTime()) return this.wait(job)
    const due = job.next
    this.run(job, due)
    // runs missed while the process was stopped or blocked are not made up, as in the connector
    this.arm(job, Math.max(now, due.getTime()))
  }

  private run(job: Job, due: Date): void {
    if (job.inflight >= this.opts.maxInflight) {
      this.opts.event(job.namespace, job.name, `cron: run of ${due.toISOString()} skipped: ${job.inflight} call(s) of earlier runs still going`)
      return
    }
    job.inflight++
    this.opts
      .invoke({name: job.name, namespace: job.namespace, schedule: job.schedule.text, due})
      .catch((err) => this.opts.event(job.namespace, job.name, `cron: call failed: ${(err as Error).message}`))
      .finally(() => job.inflight--)
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`
}

/** The headers of a cron call, as the cron-connector sends them. */
export function cronHeaders(): string[] {
  return ['User-Agent', 'openfaas-ce/cron-connector', 'X-Topic', CRON_TOPIC, 'X-Connector', 'cron-connector']
}

/**
 * The gateway's cron: follows the registry (deployed and restored functions, every change) and
 * calls each cron function through the gateway's own routes, logging each call to the function's
 * log as the connector logs it.
 */
export function startCron(registry: Registry, opts: {limits: GatewayLimits; async: boolean; self: () => SelfAddress; clock?: SchedulerClock}): CronScheduler {
  const event = (namespace: string, name: string, message: string) => registry.get(namespace, name)?.event(message)
  const scheduler = new CronScheduler({
    maxInflight: opts.limits.cronMaxInflight,
    clock: opts.clock,
    event,
    async invoke(run) {
      const call = await callFunctionThroughGateway(opts.self(), {
        name: run.name,
        namespace: run.namespace,
        async: opts.async,
        headers: cronHeaders(),
        keepBytes: 0,
        timeoutMs: opts.limits.connectorCallTimeoutMs,
      })
      const took = formatDuration(Math.round(call.durationMs))
      event(run.namespace, run.name, `cron: called [${run.schedule}]${opts.async ? ' (async)' : ''}: ${call.error ? `error: ${call.error}` : `status ${call.status}`} (${took})`)
    },
  })
  const deployed = () => [...registry.functions.values()].map((f) => ({name: f.name, namespace: f.namespace, annotations: f.deployment.annotations}))
  registry.onChange(() => scheduler.sync(deployed()))
  scheduler.sync(deployed())
  return scheduler
}
