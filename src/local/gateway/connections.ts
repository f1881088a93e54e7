/**
 * Connection bounds of the embedded gateway's HTTP server: header and request timeouts (node
 * enforces them, checked every `timeoutCheckIntervalMs`) and a cap on open connections.
 *
 * At the cap, the connection that has waited longest without a request in progress (one still
 * sending its headers, or an idle keep-alive one) is closed to make room for the new one. So a
 * flood of connections that never finish their headers can't take every file descriptor nor
 * lock out callers that send a request at once; connections serving a request are never cut.
 */
import {readFileSync} from 'node:fs'
import type http from 'node:http'
import type {Socket} from 'node:net'
import type {GatewayLimits} from './limits.js'

/** The options for http.createServer that carry the timeouts. */
export function serverTimeouts(limits: GatewayLimits): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
  }
}

/** Keeps the server below `limits.maxConnections` (and below the process's file descriptor limit). */
export function capConnections(server: http.Server, limits: GatewayLimits): {readonly open: number; readonly cap: number} {
  const cap = Math.max(16, Math.min(limits.maxConnections, fileDescriptorLimit() - 256))
  // sockets without a request in progress, oldest first (a Set keeps insertion order)
  const waiting = new Set<Socket>()
  let open = 0
  server.on('connection', (socket: Socket) => {
    open++
    waiting.add(socket)
    socket.once('close', () => {
      open--
      waiting.delete(socket)
    })
    if (open > cap) {
      const oldest = waiting.values().next().value
      if (oldest) {
        waiting.delete(oldest)
        oldest.destroy()
      }
    }
  })
  // before the route handler, which may answer at once
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket
    waiting.delete(socket)
    res.once('finish', () => {
      if (!socket.destroyed) waiting.add(socket)
    })
  })
  return {
    get open() {
      return open
    },
    cap,
  }
}

/** The soft RLIMIT_NOFILE of this process (Linux), else a conservative guess. */
function fileDescriptorLimit(): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
    if (m) return m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1])
  } catch {
    // not Linux
  }
  return 1024
}
