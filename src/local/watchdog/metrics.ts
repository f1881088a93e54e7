/**
 * The watchdog's Prometheus metrics, named, typed and labelled as of-watchdog and the classic
 * watchdog name them, and served the same way: on their own port (`metrics_port`, default 8081),
 * path `/metrics`.
 *
 *   http_requests_total{code,method}               counter
 *   http_request_duration_seconds{code,method}     histogram (Prometheus default buckets)
 *   http_requests_in_flight                        gauge
 *
 * Only calls to the function count (as in Go, `/_/health` and `/_/ready` do not). `method` is
 * lower-case (`get`, `post`, … or `unknown`), `code` the status sent.
 */
import http, {type IncomingMessage, type ServerResponse} from 'node:http'
import client from 'prom-client'

/** Go's promhttp labels: the usual methods in lower case, anything else `unknown`. */
const KNOWN_METHODS: Record<string, string> = Object.assign(Object.create(null), {
  GET: 'get', PUT: 'put', HEAD: 'head', POST: 'post', DELETE: 'delete', CONNECT: 'connect', OPTIONS: 'options',
  NOTIFY: 'notify', TRACE: 'trace', PATCH: 'patch',
})

export function methodLabel(method: string | undefined): string {
  return (method && (KNOWN_METHODS[method] ?? KNOWN_METHODS[method.toUpperCase()])) || 'unknown'
}

/** Prometheus's default buckets (Go's prometheus.DefBuckets). */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

interface Series {
  labels: {code: string; method: string}
  count: number
  sum: number
  /** Observations per bucket (not cumulative); the last slot is past the largest bound. */
  perBucket: number[]
}

type Sample = {value: number; labels: Record<string, string | number>; metricName?: string}

/**
 * Calls are counted in plain fields (a few tens of nanoseconds each, against microseconds for
 * prom-client's labelled metrics) and turned into prom-client metric families at scrape time; the
 * registry writes the exposition text.
 */
export class WatchdogMetrics {
  readonly registry = new client.Registry()
  private readonly series = new Map<string, Series>()
  private inFlight = 0

  constructor() {
    const family = (name: string, help: string, type: string, values: () => Sample[]) => ({
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({name, help, type, aggregator: 'sum', values: values()}),
    })
    const register = (m: ReturnType<typeof family>) => this.registry.registerMetric(m as unknown as client.Metric)
    register(family('http_requests_total', 'total HTTP requests processed', 'counter', () =>
      [...this.series.values()].map((s) => ({value: s.count, labels: s.labels}))))
    register(family('http_request_duration_seconds', 'Seconds spent serving HTTP requests.', 'histogram', () => {
      const out: Sample[] = []
      for (const s of this.series.values()) {
        let cumulative = 0
        for (let i = 0; i < BUCKETS.length; i++) {
          cumulative += s.perBucket[i]
          out.push({metricName: 'http_request_duration_seconds_bucket', value: cumulative, labels: {...s.labels, le: BUCKETS[i]}})
        }
        out.push({metricName: 'http_request_duration_seconds_bucket', value: s.count, labels: {...s.labels, le: '+Inf'}})
        out.push({metricName: 'http_request_duration_seconds_sum', value: s.sum, labels: s.labels})
        out.push({metricName: 'http_request_duration_seconds_count', value: s.count, labels: s.labels})
      }
      return out
    }))
    register(family('http_requests_in_flight', 'total HTTP requests in-flight', 'gauge', () => [{value: this.inFlight, labels: {}}]))
  }

  /** Counts one call to the function from now until its response closes. */
  track(req: IncomingMessage, res: ServerResponse): void {
    const started = this.begin()
    res.once('close', () => this.end(started, res.statusCode, req.method))
  }

  /** A call starts: it is in flight until `end` (returns the start time to give `end`). */
  begin(): number {
    this.inFlight++
    return performance.now()
  }

  /** A call ended with `status` (0 = none sent: counted as 200, as Go does). */
  end(started: number, status: number, method: string | undefined): void {
    this.inFlight--
    this.observe(status || 200, method, (performance.now() - started) / 1000)
  }

  private observe(status: number, method: string | undefined, seconds: number): void {
    const label = methodLabel(method)
    const key = `${status} ${label}`
    let s = this.series.get(key)
    if (!s) {
      s = {labels: {code: String(status), method: label}, count: 0, sum: 0, perBucket: new Array(BUCKETS.length + 1).fill(0)}
      this.series.set(key, s)
    }
    s.count++
    s.sum += seconds
    let i = 0
    while (i < BUCKETS.length && seconds > BUCKETS[i]) i++
    s.perBucket[i]++
  }

  /** The exposition text (what a scrape of /metrics returns). */
  text(): Promise<string> {
    return this.registry.metrics()
  }

  /** A server for `/metrics` alone (other paths 404, as Go's mux answers). */
  server(): http.Server {
    const server = http.createServer((req, res) => {
      req.resume()
      const path = (req.url ?? '/').split('?')[0]
      if (path !== '/metrics') {
        res.writeHead(404, {'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff'})
        res.end('404 page not found\n')
        return
      }
      this.registry.metrics().then(
        (text) => {
          res.writeHead(200, {'Content-Type': this.registry.contentType})
          res.end(text)
        },
        (err: Error) => {
          res.writeHead(500, {'Content-Type': 'text/plain; charset=utf-8'})
          res.end(`An error has occurred while serving metrics:\n\n${err.message}\n`)
        },
      )
    })
    // of-watchdog gives the metrics server 500 ms to read a request and write its answer
    server.requestTimeout = 500
    server.headersTimeout = 500
    return server
  }
}
