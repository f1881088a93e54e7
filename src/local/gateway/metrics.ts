/**
 * Prometheus metrics of the embedded gateway, under the names, types and labels of the OpenFaaS
 * gateway (runtime.md; what dashboards, alerts and autoscalers read):
 *   gateway_function_invocation_started{function_name}     counter, a call reached a function
 *   gateway_function_invocation_total{function_name,code}  counter, a call was answered
 *   gateway_functions_seconds{function_name,code}          histogram (default buckets), its duration
 *   gateway_service_count{function_name}                   gauge, replicas of each function
 * function_name is `<name>.<namespace>`, as OpenFaaS labels it. They are served on a port of
 * their own (`/metrics`, `/healthz`), as OpenFaaS does on 8082, with no credentials (Prometheus
 * scrapes it as it scrapes OpenFaaS), bound to the gateway's address and behind the same
 * Host/Origin rules (admission.ts), so a web page can't read it.
 *
 * Only deployed functions get series: calls to names that don't exist are not counted, so no
 * caller can grow the label set without limit. A function's series go when it is removed or
 * replaced by a new deployment, so `invocationCount` of /system/functions (`faas list`) and the
 * sum of its gateway_function_invocation_total always agree.
 */
import http from 'node:http'
import type {ServerResponse} from 'node:http'
import type {Counter, Gauge, Histogram, Registry as PromRegistry} from 'prom-client'
import {sendText} from '../watchdog/respond.js'
import {type AdmissionPolicy, refusal} from './admission.js'
import type {FunctionRuntime} from './function-runtime.js'

/** The series of one deployed function (prom-client children, looked up once per status code). */
interface FunctionSeries {
  fn: FunctionRuntime
  started: {inc(): void}
  byCode: Map<number, {total: {inc(): void}; seconds: {observe(v: number): void}}>
}

export class GatewayMetrics {
  private readonly series = new Map<string, FunctionSeries>()

  private constructor(
    private readonly functions: ReadonlyMap<string, FunctionRuntime>,
    readonly registry: PromRegistry,
    private readonly started: Counter<'function_name'>,
    private readonly total: Counter<'function_name' | 'code'>,
    private readonly seconds: Histogram<'function_name' | 'code'>,
  ) {}

  /** `functions` is read at every scrape for gateway_service_count. */
  static async create(functions: ReadonlyMap<string, FunctionRuntime>): Promise<GatewayMetrics> {
    // loaded only when metrics are on: a gateway without them starts without prom-client
    const loaded = (await import('prom-client')) as typeof import('prom-client') & {default?: typeof import('prom-client')}
    // a CommonJS package: its exports are under `default` once bundled
    const prom = loaded.default ?? loaded
    const registry = new prom.Registry()
    const started = new prom.Counter({
      name: 'gateway_function_invocation_started',
      help: 'Calls that reached a deployed function (counted when the call starts).',
      labelNames: ['function_name'] as const,
      registers: [registry],
    })
    const total = new prom.Counter({
      name: 'gateway_function_invocation_total',
      help: 'Calls of a deployed function that were answered, by HTTP status code.',
      labelNames: ['function_name', 'code'] as const,
      registers: [registry],
    })
    const seconds = new prom.Histogram({
      name: 'gateway_functions_seconds',
      help: 'How long calls of a deployed function took, in seconds, by HTTP status code.',
      labelNames: ['function_name', 'code'] as const,
      registers: [registry],
    })
    const metrics = new GatewayMetrics(functions, registry, started, total, seconds)
    new prom.Gauge({
      name: 'gateway_service_count',
      help: 'Replicas of each deployed function.',
      labelNames: ['function_name'] as const,
      registers: [registry],
      collect(this: Gauge<'function_name'>) {
        this.reset()
        for (const fn of functions.values()) this.set({function_name: fn.label}, fn.desired)
      },
    })
    prom.collectDefaultMetrics({register: registry})
    return metrics
  }

  /**
   * Counts a call of `fn` now, and its answer when `res` finishes (with `fn.invocations`, the
   * count /system/functions reports). A call whose client went away before the answer was sent
   * is counted as started only.
   */
  track(fn: FunctionRuntime, res: ServerResponse): void {
    const s = this.seriesOf(fn)
    s.started.inc()
    const t0 = performance.now()
    res.once('finish', () => {
      fn.invocations++
      const code = res.statusCode
      let c = s.byCode.get(code)
      if (!c) {
        const labels = {function_name: fn.label, code: String(code)}
        c = {total: this.total.labels(labels), seconds: this.seconds.labels(labels)}
        s.byCode.set(code, c)
      }
      c.total.inc()
      c.seconds.observe((performance.now() - t0) / 1000)
    })
  }

  private seriesOf(fn: FunctionRuntime): FunctionSeries {
    const label = fn.label
    const s = this.series.get(label)
    if (s && s.fn === fn) return s
    // a new deployment under this name: its counts start again, as fn.invocations does
    if (s) this.drop(label)
    const fresh: FunctionSeries = {fn, started: this.started.labels({function_name: label}), byCode: new Map()}
    this.series.set(label, fresh)
    return fresh
  }

  /** Drops the series of functions that are no longer deployed (or were deployed anew). */
  private prune(): void {
    const current = new Set(this.functions.values())
    for (const [label, s] of this.series) if (!current.has(s.fn)) this.drop(label)
  }

  private drop(label: string): void {
    const s = this.series.get(label)
    if (!s) return
    this.series.delete(label)
    this.started.remove({function_name: label})
    for (const code of s.byCode.keys()) {
      const labels = {function_name: label, code: String(code)}
      this.total.remove(labels)
      this.seconds.remove(labels)
    }
  }

  /** The exposition text (what GET /metrics answers). */
  async scrape(): Promise<{contentType: string; body: string}> {
    this.prune()
    return {contentType: this.registry.contentType, body: await this.registry.metrics()}
  }
}

export interface MetricsServer {
  server: http.Server
  port: number
  close(): Promise<void>
}

/** The metrics port: GET /metrics and /healthz, nothing else; short timeouts, few connections. */
export async function startMetricsServer(metrics: GatewayMetrics, opts: {port: number; host: string; admission: AdmissionPolicy}): Promise<MetricsServer> {
  const server = http.createServer({headersTimeout: 5000, requestTimeout: 5000}, (req, res) => {
    req.resume()
    const pathname = (req.url ?? '/').split('?')[0]
    const refused = refusal(opts.admission, req, pathname)
    if (refused) return sendText(res, 403, refused + '\n', ['Connection', 'close'])
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method Not Allowed\n')
    if (pathname === '/healthz') return sendText(res, 200, 'OK')
    if (pathname !== '/metrics') return sendText(res, 404, '404 page not found\n')
    metrics.scrape().then(
      ({contentType, body}) => {
        res.writeHead(200, {'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body)})
        res.end(req.method === 'HEAD' ? undefined : body)
      },
      () => sendText(res, 500, 'metrics could not be collected\n'),
    )
  })
  server.maxConnections = 64
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({port: opts.port, host: opts.host}, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as {port: number}).port
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
