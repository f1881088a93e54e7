/**
 * A hostile HTTP server on loopback for the CLI attack tests: each path answers with a fixed
 * body, or with a body that goes on and on (counting what it managed to send, so a test can
 * prove the CLI stopped reading early).
 */
import http from 'node:http'
import type {AddressInfo} from 'node:net'

export const MiB = 1024 * 1024

export interface HostileRoute {
  status?: number
  /** The reason phrase after the status code (latin1 on the wire). */
  statusText?: string
  headers?: Record<string, string>
  /** A fixed body (JSON-encoded when not a string or a Buffer). */
  body?: unknown
  /**
   * A body that repeats `chunk` after `head`, up to `max` bytes (default 1 GiB: as good as
   * endless for a CLI that should stop after a few MiB, while a run of the unfixed CLI still
   * ends before it has eaten the memory of the machine).
   */
  flood?: {head?: string; chunk: string; max?: number}
}

export interface HostileServer {
  url: string
  /** Bytes written per path by flood routes, once each answer has ended. */
  sent: Map<string, number>
  /** Every request as `METHOD path?query`. */
  requests: string[]
  close(): Promise<void>
}

export async function startHostileServer(routes: Record<string, HostileRoute>): Promise<HostileServer> {
  const sent = new Map<string, number>()
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const route = routes[path] ?? routes['*']
    if (!route) {
      res.writeHead(404, {'content-type': 'text/plain'})
      res.end('not found')
      return
    }
    if (!route.flood) {
      const body = typeof route.body === 'string' || Buffer.isBuffer(route.body) ? route.body : JSON.stringify(route.body ?? null)
      if (route.statusText) res.writeHead(route.status ?? 200, route.statusText, {'content-type': 'application/json', ...route.headers})
      else res.writeHead(route.status ?? 200, {'content-type': 'application/json', ...route.headers})
      res.end(body)
      return
    }
    const {head = '', chunk, max = 1024 * MiB} = route.flood
    const block = Buffer.from(chunk.repeat(Math.max(1, Math.floor(65536 / chunk.length))))
    let written = 0
    res.writeHead(route.status ?? 200, {'content-type': 'application/json', ...route.headers})
    const pump = (): void => {
      while (written < max && !res.destroyed) {
        written += block.length
        if (!res.write(block)) {
          res.once('drain', pump)
          return
        }
      }
      if (!res.destroyed) res.end()
    }
    res.on('close', () => sent.set(path, (sent.get(path) ?? 0) + written))
    if (head) written += Buffer.byteLength(head)
    res.write(head)
    pump()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

/** The lines of stderr that are not empty. */
export function stderrLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '')
}
