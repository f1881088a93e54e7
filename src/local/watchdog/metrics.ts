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

export class WatchdogMetrics {
  readonly registry = new client.Registry()
  private readonly total: client.Counter<'code' | 'method'>
  private readonly duration: client.Histogram<'code' | 'method'>
  private readonly inFlight: client.Gauge

  constructor() {
    const registers = [this.registry]
    this.total = new client.Counter({name: 'http_requests_total', help: 'total HTTP requests processed', labelNames: ['code', 'method'], registers})
    this.duration = new client.Histogram({
      name: 'http_request_duration_seconds',
      help: 'Seconds spent serving HTTP requests.',
      labelNames: ['code', 'method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    })
    this.inFlight = new client.Gauge({name: 'http_requests_in_flight', help: 'total HTTP requests in-flight', registers})
    this.inFlight.set(0)
  }

  /** Counts one call to the function from now until its response closes. */
  track(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now()
    this.inFlight.inc()
    res.once('close', () => {
      this.inFlight.dec()
      const labels = {code: String(res.statusCode || 200), method: methodLabel(req.method)}
      this.total.inc(labels)
      this.duration.observe(labels, (performance.now() - started) / 1000)
    })
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
