/**
 * Asynchronous calls, /async-function/<name>[.<ns>][/path] (runtime.md §3.2): the request is
 * queued and answered 202 at once; a worker calls the function through the gateway's own
 * function route (as OpenFaaS's queue-worker does) and POSTs the result to X-Callback-Url.
 *
 * Bounded: a call's body (asyncBodyBytes, the NATS message limit), the queue (asyncQueueLength
 * calls and asyncQueueBytes of bodies; past either → 429), and the result kept for the callback
 * (asyncResultBytes).
 *
 * Durable when given a store (async-store.ts): a call is on disk before its 202 and removed once
 * done; calls left by a stopped or killed gateway run when the next one starts (recover()).
 */
import {randomUUID} from 'node:crypto'
import http, {type IncomingMessage, type ServerResponse} from 'node:http'
import {urlHost} from '../../util/loopback.js'
import {nowUnixNanos} from '../clock.js'
import {formatSeconds} from '../duration.js'
import {forwardableHeaders, sendText} from '../watchdog/respond.js'
import {DEFAULT_NAMESPACE} from './function-runtime.js'
import {notFound, readLimited} from './http.js'
import type {GatewayLimits} from './limits.js'
import {parseFunctionRef} from './names.js'
import type {AsyncStore, StoredAsyncCall} from './async-store.js'

interface AsyncJob extends StoredAsyncCall {
  name: string
  namespace: string
  /** Its file in the store. */
  file?: string
}

export interface AsyncQueueOptions {
  limits: GatewayLimits
  /** Calls run at the same time. */
  concurrency: number
  servedBy: string
  /** Where the worker sends calls: the gateway itself (set once it listens). */
  self: () => {host: string; port: number}
  /** Reports an event about a function (its log and the terminal). */
  event: (namespace: string, name: string, message: string) => void
  /** Keeps accepted calls on disk until done (none: in memory only). */
  store?: AsyncStore
  /** Gateway events that concern no one function. */
  log?: (message: string) => void
}

interface HttpResult {
  status: number
  headers: string[]
  body: Buffer
}

export class AsyncQueue {
  private readonly queue: AsyncJob[] = []
  private queuedBytes = 0
  /** Calls being written to the store, counted against the bounds already. */
  private writing = 0
  private writingBytes = 0
  private running = 0
  private closing = false

  constructor(private readonly opts: AsyncQueueOptions) {}

  get length(): number {
    return this.queue.length
  }

  close(): void {
    this.closing = true
  }

  /** `rest` is what follows `/async-function/` in the request target. */
  async route(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    const q = rest.indexOf('?')
    const pathPart = q === -1 ? rest : rest.slice(0, q)
    const query = q === -1 ? '' : rest.slice(q + 1)
    const slash = pathPart.indexOf('/')
    const ref = slash === -1 ? pathPart : pathPart.slice(0, slash)
    const target = parseFunctionRef(ref, DEFAULT_NAMESPACE)
    if (!target) return notFound(req, res)
    if (req.method !== 'POST') {
      req.resume()
      return sendText(res, 405, 'Method Not Allowed\n')
    }
    const limits = this.opts.limits
    const body = await readLimited(req, limits.asyncBodyBytes)
    if (body === undefined) {
      return sendText(res, 500, `Error queuing request: request body too large, the limit is ${limits.asyncBodyBytes} bytes\n`, ['Connection', 'close'])
    }
    if (this.queue.length + this.writing >= limits.asyncQueueLength || this.queuedBytes + this.writingBytes + body.length > limits.asyncQueueBytes) {
      return sendText(res, 429, `Error queuing request: the queue is full (${this.queue.length} calls waiting); try again later\n`, ['Retry-After', '1'])
    }
    const cb = req.headers['x-callback-url']
    let callbackUrl: string | undefined
    if (typeof cb === 'string' && cb !== '') {
      try {
        const u = new URL(cb)
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)')
        callbackUrl = u.toString()
      } catch {
        return sendText(res, 400, `invalid X-Callback-Url: ${cb.slice(0, 200)}\n`)
      }
    }
    const given = req.headers['x-call-id']
    const callId = typeof given === 'string' && given !== '' ? given.slice(0, 200) : randomUUID()
    const startNs = nowUnixNanos().toString()
    const job: AsyncJob = {
      ref,
      ...target,
      sub: slash === -1 ? '/' : pathPart.slice(slash),
      query,
      headers: [...req.rawHeaders, 'X-Start-Time', startNs],
      body,
      callbackUrl,
      callId,
    }
    if (this.opts.store) {
      this.writing++
      this.writingBytes += body.length
      try {
        job.file = await this.opts.store.save(job)
      } catch (err) {
        this.opts.log?.(`could not keep an asynchronous call for ${ref} on disk: ${(err as Error).message}`)
        return sendText(res, 500, 'Error queuing request: the call could not be stored (see the gateway log)\n')
      } finally {
        this.writing--
        this.writingBytes -= body.length
      }
    }
    this.queue.push(job)
    this.queuedBytes += body.length
    res.writeHead(202, ['X-Call-Id', callId, 'X-Start-Time', startNs, 'X-Served-By', this.opts.servedBy, 'Content-Length', '0'])
    res.end()
    this.pump()
  }

  /** Queues the calls a previous gateway accepted and did not finish; resolves with their number. */
  async recover(): Promise<number> {
    const store = this.opts.store
    if (!store) return 0
    const left = await store.load((name, why) => this.opts.log?.(`dropped the unreadable stored asynchronous call ${name}: ${why}`))
    const recovered: AsyncJob[] = []
    for (const {name, call} of left) {
      const slash = call.ref.lastIndexOf('/')
      const target = parseFunctionRef(call.ref, DEFAULT_NAMESPACE)
      if (!target || slash !== -1) {
        await store.remove(name)
        continue
      }
      recovered.push({...call, ...target, file: name})
      this.queuedBytes += call.body.length
    }
    // older than anything accepted since this gateway started
    this.queue.unshift(...recovered)
    this.pump()
    return recovered.length
  }

  private pump(): void {
    while (!this.closing && this.running < this.opts.concurrency && this.queue.length) {
      const job = this.queue.shift()!
      this.queuedBytes -= job.body.length
      this.running++
      void this.run(job)
        .then((done) => (done && job.file ? this.opts.store?.remove(job.file) : undefined))
        .catch((err: Error) => this.opts.log?.(`asynchronous call ${job.callId}: ${err.message}`))
        .finally(() => {
          this.running--
          this.pump()
        })
    }
  }

  /** Runs one call and its callback; false when the gateway stopped first (it runs again on the next start). */
  private async run(job: AsyncJob): Promise<boolean> {
    const started = performance.now()
    const self = this.opts.self()
    const target = `/function/${job.ref}${job.sub}${job.query ? '?' + job.query : ''}`
    const headers = withoutHeaders(forwardableHeaders(job.headers), ['content-length', 'user-agent', 'x-call-id', 'host'])
    const hostHeader = `${urlHost(self.host)}:${self.port}`
    headers.push('Host', hostHeader, 'User-Agent', 'openfaas-ce/nats-queue-worker', 'X-Call-Id', job.callId, 'Content-Length', String(job.body.length))
    let result: HttpResult
    try {
      result = await boundedRequest({host: self.host, port: self.port, method: 'POST', path: target, headers, body: job.body}, this.opts.limits.asyncResultBytes)
    } catch (err) {
      result = {status: 503, headers: [], body: Buffer.from(`${(err as Error).message}\n`)}
    }
    if (this.closing && job.file) return false
    this.opts.event(job.namespace, job.name, `async call ${job.callId} finished with status ${result.status}`)
    if (!job.callbackUrl) return true
    const cbHeaders = withoutHeaders(forwardableHeaders(result.headers), ['content-length', 'x-call-id', 'x-duration-seconds'])
    cbHeaders.push(
      'X-Function-Status', String(result.status),
      'X-Function-Name', job.ref,
      'X-Call-Id', job.callId,
      'X-Duration-Seconds', formatSeconds(performance.now() - started),
      'Content-Length', String(result.body.length),
    )
    try {
      const u = new URL(job.callbackUrl)
      await boundedRequest({url: u, method: 'POST', headers: ['Host', u.host, ...cbHeaders], body: result.body}, 0)
    } catch (err) {
      this.opts.event(job.namespace, job.name, `callback to ${job.callbackUrl} for ${job.callId} failed: ${(err as Error).message}`)
    }
    return true
  }
}

function withoutHeaders(raw: string[], lowerNames: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i + 1 < raw.length; i += 2) if (!lowerNames.includes(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1])
  return out
}

/**
 * A plain HTTP(S) request for the worker. The answer's body is kept up to `keepBytes` (0: read
 * and dropped); a larger answer becomes a 502 saying so. Five minutes at most.
 */
function boundedRequest(
  opts: {url?: URL; host?: string; port?: number; method: string; path?: string; headers: string[]; body: Buffer},
  keepBytes: number,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const u = opts.url
    const reqOpts = u
      ? {host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || (u.protocol === 'https:' ? 443 : 80), path: u.pathname + u.search}
      : {host: opts.host, port: opts.port, path: opts.path}
    const send = (mod: typeof http) => {
      const r = mod.request({...reqOpts, method: opts.method, headers: opts.headers, agent: false}, (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          if (keepBytes === 0) return
          size += c.length
          if (size > keepBytes) {
            res.destroy()
            resolve({status: 502, headers: [], body: Buffer.from(`the function's answer is larger than ${keepBytes} bytes, the most an asynchronous call keeps\n`)})
            return
          }
          chunks.push(c)
        })
        res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.rawHeaders, body: Buffer.concat(chunks)}))
        res.on('error', reject)
      })
      r.on('error', reject)
      r.setTimeout(5 * 60_000, () => r.destroy(new Error('timed out')))
      r.end(opts.body)
    }
    if (u?.protocol === 'https:') import('node:https').then((m) => send(m.default as unknown as typeof http), reject)
    else send(http)
  })
}
