/**
 * Autoscaling of the embedded gateway, read from the labels OpenFaaS documents for its Pro
 * autoscaler (docs.openfaas.com/architecture/autoscaling, …/openfaas-pro/scale-to-zero):
 *
 *   com.openfaas.scale.min / .max            bounds while the function runs (default 1 / 20, but
 *                                            see localDefaultMax)
 *   com.openfaas.scale.target                load per replica (default 50)
 *   com.openfaas.scale.target-proportion     share of the target to aim at (default 0.90)
 *   com.openfaas.scale.type                  rps (default) or capacity (requests in flight);
 *                                            cpu is not measured here: replicas stay as they are
 *   com.openfaas.scale.zero                  true: stop every replica after an idle time
 *   com.openfaas.scale.zero-duration         that idle time, a Go duration (default 15m)
 *   com.openfaas.scale.down.window           scale-down stabilisation window (default 30s here)
 *
 * Every tick (1 s) each running function's load is sampled (FunctionLoad, counted by the
 * function route, which async calls go through as well): the load is the larger of the last
 * interval's and the mean of a short window (5 s); the recommendation is
 * ceil(load / (target × proportion)) within [min, max]. Up is applied at once;
 * down takes the largest recommendation of the down window, so replicas come down only once the
 * load has stayed low that long. A function at 0 replicas is left alone: the next call starts
 * it (FunctionRuntime.pick, the gateway's scale from zero). A manual scale-function sets the
 * replicas; it counts as a recommendation, so the autoscaler moves from there within min/max.
 */
import os from 'node:os'
import {parseGoDuration} from '../../util/duration.js'
import type {FunctionRuntime} from './function-runtime.js'

export const SCALE_LABEL = 'com.openfaas.scale.'

/** Replicas at most per function on one machine. */
export const MAX_REPLICAS = 100

export type ScaleType = 'rps' | 'capacity' | 'cpu'

export interface ScalePolicy {
  min: number
  max: number
  target: number
  proportion: number
  type: ScaleType
  zero: boolean
  zeroDurationMs: number
  downWindowMs: number
}

export const SCALE_DEFAULTS: Readonly<ScalePolicy> = Object.freeze({
  min: 1,
  max: 20,
  target: 50,
  proportion: 0.9,
  type: 'rps',
  zero: false,
  zeroDurationMs: 15 * 60_000,
  downWindowMs: 30_000,
})

/**
 * The one local change to the documented defaults: without a com.openfaas.scale.max label, a
 * function gets at most one replica per CPU core but one (left to the gateway, which proxies
 * every call), at least 1 and at most 20. On one machine, replicas beyond its cores add
 * processes, not throughput: on 2 cores, 20 replicas of a quick function cut the gateway's
 * throughput by about 40% (bench/local.ts). A function that waits rather than computes sets its
 * own max.
 */
export function localDefaultMax(cores = os.availableParallelism()): number {
  return Math.min(SCALE_DEFAULTS.max, Math.max(1, cores - 1))
}

/** The longest scale-down window honoured (OpenFaaS caps its window at 5 minutes too). */
const MAX_DOWN_WINDOW_MS = 5 * 60_000

/**
 * The scaling policy of a deployment's labels, with a warning for every value that can't be
 * used (the default applies instead). `maxReplicas` is the gateway's own ceiling, `defaultMax`
 * the max of a function without the label.
 */
export function scalePolicy(labels: Record<string, string> | undefined, maxReplicas: number, defaultMax = SCALE_DEFAULTS.max): {policy: ScalePolicy; warnings: string[]} {
  const warnings: string[] = []
  const p: ScalePolicy = {...SCALE_DEFAULTS, max: Math.min(defaultMax, maxReplicas)}
  const get = (k: string) => {
    const v = labels && Object.hasOwn(labels, SCALE_LABEL + k) ? labels[SCALE_LABEL + k] : undefined
    return v === undefined || v.trim() === '' ? undefined : v.trim()
  }
  const bad = (k: string, v: string, why: string) => warnings.push(`label ${SCALE_LABEL}${k}=${JSON.stringify(v)} ignored: ${why}`)
  const int = (k: 'min' | 'max', lowest: number) => {
    const v = get(k)
    if (v === undefined) return
    const n = Number(v)
    if (!Number.isInteger(n) || n < lowest) return bad(k, v, `not a whole number ≥ ${lowest}`)
    p[k] = Math.min(n, maxReplicas)
  }
  int('min', 0)
  int('max', 1)
  if (p.min === 0) p.min = 1 // as OpenFaaS: the lowest bound while running is 1 (zero is scale.zero's)
  if (p.max < p.min && get('max') === undefined) p.max = p.min
  if (p.max < p.min) {
    warnings.push(`${SCALE_LABEL}max (${p.max}) is below ${SCALE_LABEL}min (${p.min}): using ${p.min} for both`)
    p.max = p.min
  }
  const target = get('target')
  if (target !== undefined) {
    const n = Number(target)
    if (Number.isFinite(n) && n > 0) p.target = n
    else bad('target', target, 'not a number above 0')
  }
  const proportion = get('target-proportion')
  if (proportion !== undefined) {
    const n = Number(proportion)
    if (Number.isFinite(n) && n > 0) p.proportion = n
    else bad('target-proportion', proportion, 'not a number above 0 (e.g. 0.9)')
  }
  const type = get('type')
  if (type !== undefined) {
    if (type === 'rps' || type === 'capacity') p.type = type
    else if (type === 'cpu') {
      p.type = 'cpu'
      warnings.push(`${SCALE_LABEL}type=cpu is not supported by the local gateway: replicas stay where they are set (rps and capacity are)`)
    } else bad('type', type, 'use rps or capacity (or cpu, not measured locally)')
  }
  const zero = get('zero')
  if (zero !== undefined) {
    if (zero === 'true' || zero === 'false') p.zero = zero === 'true'
    else bad('zero', zero, 'use true or false')
  }
  const duration = (k: string, fallback: number, cap?: number): number => {
    const v = get(k)
    if (v === undefined) return fallback
    const ms = parseGoDuration(v)
    if (ms === undefined || ms < 0) {
      bad(k, v, 'not a Go duration such as 30s, 5m or 1h')
      return fallback
    }
    if (cap !== undefined && ms > cap) {
      bad(k, v, `longer than ${cap / 60_000}m`)
      return cap
    }
    return ms
  }
  p.zeroDurationMs = duration('zero-duration', p.zeroDurationMs)
  p.downWindowMs = duration('down.window', p.downWindowMs, MAX_DOWN_WINDOW_MS)
  return {policy: p, warnings}
}

/** Replicas for a load: ceil(load / (target × proportion)) within [min, max]. */
export function recommendedReplicas(load: number, p: ScalePolicy): number {
  const want = load > 0 ? Math.ceil(load / (p.target * p.proportion) - 1e-9) : p.min
  return Math.min(p.max, Math.max(p.min, want))
}

/**
 * The load of one function as the gateway sees it: requests in flight (time-weighted between
 * samples), requests started, and when it was last busy. Two counters and a clock read per
 * request.
 */
export class FunctionLoad {
  inflight = 0
  private started = 0
  private area = 0
  private lastChange = performance.now()
  private lastSample = this.lastChange
  /** performance.now() of the last request start or end. */
  lastActive = this.lastChange

  /** Counts one request until its response closes. */
  track(res: {once(event: 'close', listener: () => void): unknown}): void {
    this.settle()
    this.inflight++
    this.started++
    res.once('close', () => {
      this.settle()
      this.inflight--
    })
  }

  private settle(): void {
    const t = performance.now()
    this.area += this.inflight * (t - this.lastChange)
    this.lastChange = t
    this.lastActive = t
  }

  /** Average requests in flight and requests per second since the previous sample. */
  sample(): {inflight: number; rps: number} {
    const t = performance.now()
    this.area += this.inflight * (t - this.lastChange)
    this.lastChange = t
    const ms = Math.max(1, t - this.lastSample)
    const out = {inflight: this.area / ms, rps: (this.started * 1000) / ms}
    this.area = 0
    this.started = 0
    this.lastSample = t
    return out
  }

  /** How long nothing has been in flight (0 while something is). */
  idleMs(now = performance.now()): number {
    return this.inflight > 0 ? 0 : now - this.lastActive
  }
}

export interface AutoscalerOptions {
  /** How often loads are sampled and decisions taken (default 1 s). */
  intervalMs?: number
  /** Loads are averaged over this window (default 5 s). */
  loadWindowMs?: number
  /** The gateway's own replica ceiling. */
  maxReplicas: number
  /** The max of a function without a com.openfaas.scale.max label (default localDefaultMax()). */
  defaultMax?: number
}

/** What the autoscaler asks of the registry. */
export interface ScaleTarget {
  functions: ReadonlyMap<string, FunctionRuntime>
  /** Sets a function's replicas and keeps the new count in the saved state. */
  autoscale(fn: FunctionRuntime, replicas: number): Promise<void>
}

interface Tracked {
  /** Load samples of the window, newest last. */
  samples: Array<{inflight: number; rps: number}>
  /** Recommendations of the down window, oldest first. */
  history: Array<{at: number; replicas: number}>
  /** The replica count this autoscaler last set (a different desired count was set by hand). */
  lastSet: number
  /** The deployment the policy was read from. */
  deployment?: object
  policy: ScalePolicy
}

export class Autoscaler {
  private readonly tracked = new WeakMap<FunctionRuntime, Tracked>()
  private timer?: NodeJS.Timeout
  private readonly intervalMs: number
  private readonly windowSamples: number

  constructor(private readonly target: ScaleTarget, private readonly opts: AutoscalerOptions) {
    this.intervalMs = Math.max(10, opts.intervalMs ?? 1000)
    this.windowSamples = Math.max(1, Math.round((opts.loadWindowMs ?? 5000) / this.intervalMs))
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => this.tick(), this.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  /** One round of decisions (the timer calls it; exported for tests of the rules). */
  tick(now = performance.now()): void {
    for (const fn of this.target.functions.values()) {
      const next = this.decide(fn, now)
      if (next !== undefined) void this.target.autoscale(fn, next).catch((err) => fn.event(`autoscaling failed: ${(err as Error).message}`))
    }
  }

  /** The replica count a function should move to now, or undefined to leave it. */
  decide(fn: FunctionRuntime, now = performance.now()): number | undefined {
    const s = this.stateOf(fn, now)
    const sample = fn.load.sample()
    s.samples.push(sample)
    if (s.samples.length > this.windowSamples) s.samples.shift()
    const current = fn.desired
    if (current !== s.lastSet) {
      // set by hand (scale-function) or by a cold start: a recommendation like any other
      s.history.push({at: now, replicas: current})
      s.lastSet = current
    }
    const p = s.policy
    if (current === 0) {
      s.history.length = 0
      return undefined
    }
    if (p.zero && fn.load.idleMs(now) >= p.zeroDurationMs) {
      fn.event(`idle for ${formatMs(fn.load.idleMs(now))} (${SCALE_LABEL}zero-duration ${formatMs(p.zeroDurationMs)}): scaling to zero`)
      return this.set(s, 0)
    }
    if (p.type === 'cpu') return undefined
    // the last interval drives scaling up at once; the window's mean keeps a short lull from
    // counting as no load (and the down window below keeps replicas longer still)
    const of = (x: {inflight: number; rps: number}) => (p.type === 'capacity' ? x.inflight : x.rps)
    let sum = 0
    for (const x of s.samples) sum += of(x)
    const load = Math.max(of(sample), sum / this.windowSamples)
    const rec = recommendedReplicas(load, p)
    s.history.push({at: now, replicas: rec})
    while (s.history.length && s.history[0].at < now - p.downWindowMs) s.history.shift()
    let next = rec
    if (rec < current) {
      // down only to the highest recommendation of the window (a count set by hand, even above
      // max, holds for the window too)
      for (const h of s.history) if (h.replicas > next) next = h.replicas
      next = Math.min(next, current)
    }
    if (next === current) return undefined
    fn.event(`autoscaling from ${current} to ${next} replica(s): ${p.type} ${load.toFixed(1)}, target ${p.target} × ${p.proportion} per replica`)
    return this.set(s, next)
  }

  private set(s: Tracked, n: number): number {
    s.lastSet = n
    return n
  }

  private stateOf(fn: FunctionRuntime, now: number): Tracked {
    let s = this.tracked.get(fn)
    if (!s) {
      // the count a function starts with (deployed, restored, scaled by hand) is a recommendation too
      s = {samples: [], history: [{at: now, replicas: fn.desired}], lastSet: fn.desired, policy: SCALE_DEFAULTS}
      this.tracked.set(fn, s)
    }
    // the policy follows the deployment (an update can change the labels)
    if (s.deployment !== fn.deployment) {
      s.deployment = fn.deployment
      s.policy = scalePolicy(fn.deployment.labels, this.opts.maxReplicas, this.opts.defaultMax ?? localDefaultMax()).policy
    }
    return s
  }
}

function formatMs(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s` : `${Math.round(ms / 60_000)}m`
}
