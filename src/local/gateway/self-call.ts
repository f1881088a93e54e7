/**
 * Calls a function through the gateway's own routes, /function/<name>.<ns> or
 * /async-function/<name>.<ns>, the way an event connector does from outside: the call goes
 * through the same admission, invocation counter and replica choice as any other. Used by the
 * built-in cron (cron.ts) and the topic route (routes/topic.ts).
 *
 * Bounded: the answer's body is kept up to `keepBytes` (the rest is read and dropped) and a call
 * takes at most `timeoutMs`.
 */
import http from 'node:http'

import {urlHost} from '../../util/loopback.js'

export interface SelfAddress {
  host: string
  port: number
}

export interface SelfCall {
  name: string
  namespace: string
  async: boolean
  /** Raw header pairs; Host and Content-Length are set here. */
  headers: string[]
  body?: Buffer
  keepBytes: number
  timeoutMs: number
}

export interface SelfCallResult {
  status: number
  /** The answer's X-Call-Id (the gateway makes one when the request has none). */
  callId?: string
  body: Buffer
  /** The answer was longer than keepBytes. */
  truncated: boolean
  durationMs: number
  /** Set when no HTTP answer came (status is then 502 or 504). */
  error?: string
}

export function callFunctionThroughGateway(self: SelfAddress, call: SelfCall): Promise<SelfCallResult> {
  const started = performance.now()
  const route = call.async ? 'async-function' : 'function'
  const body = call.body ?? Buffer.alloc(0)
  const headers = [...call.headers, 'Host', `${urlHost(self.host)}:${self.port}`, 'Content-Length', String(body.length)]
  return new Promise((resolve) => {
    let settled = false
    let timer: NodeJS.Timeout | undefined
    const finish = (r: Omit<SelfCallResult, 'durationMs'>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({...r, durationMs: performance.now() - started})
    }
    const req = http.request(
      {host: self.host, port: self.port, method: 'POST', path: `/${route}/${encodeURIComponent(call.name)}.${encodeURIComponent(call.namespace)}`, headers, agent: false},
      (res) => {
        const chunks: Buffer[] = []
        let kept = 0
        let truncated = false
        res.on('data', (c: Buffer) => {
          const room = call.keepBytes - kept
          if (c.length > room) truncated = true
          if (room <= 0) return
          const part = c.length > room ? c.subarray(0, room) : c
          chunks.push(part)
          kept += part.length
        })
        const callId = res.headers['x-call-id']
        res.on('end', () => finish({status: res.statusCode ?? 0, callId: typeof callId === 'string' ? callId : undefined, body: Buffer.concat(chunks), truncated}))
        res.on('error', (err) => finish({status: 502, body: Buffer.alloc(0), truncated: false, error: err.message}))
      },
    )
    req.on('error', (err) => finish({status: 502, body: Buffer.alloc(0), truncated: false, error: err.message}))
    // the whole call, not just a quiet socket: a function that trickles its answer is cut too
    timer = setTimeout(() => {
      finish({status: 504, body: Buffer.alloc(0), truncated: false, error: `no whole answer within ${Math.round(call.timeoutMs / 1000)} s`})
      req.destroy()
    }, call.timeoutMs)
    timer.unref()
    req.end(body)
  })
}
