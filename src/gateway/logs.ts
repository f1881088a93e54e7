/**
 * `logs` (spec §5.1): GET /system/logs as NDJSON, rendered line by line.
 *
 * Speed: the body is decoded with one StringDecoder, split with indexOf, each line JSON.parse'd
 * once and formatted by a function compiled for the chosen output, and everything rendered from
 * one network chunk goes to stdout in one write (with backpressure).
 *
 * Following: gateways end a log request after their write timeout (about 30 s on OpenFaaS) even
 * with follow=true. With `--tail` (follow), a stream that was open a while and then ended (or was
 * cut) is resumed with `since` set to the last line's timestamp, dropping the lines of that
 * instant we already printed, so nothing is lost or printed twice. A stream that ends within a
 * few seconds means the provider does not follow: we stop after it, as faas-cli does (which never
 * reconnects), instead of asking again and again.
 */
import {once} from 'node:events'
import {StringDecoder} from 'node:string_decoder'

import {FaasError, isFaasError} from '../errors.js'
import {printable} from '../ui/escape.js'
import {MAX_LOG_LINE_BYTES, formatBytes, readPrefix} from '../util/limits.js'
import type {GatewayClient} from './client.js'
import {isUnreachable, oneLine, unexpectedStatus} from './client.js'
import {rfc3339Nano, timeFormatter, timestampKey} from './go-time.js'
import {goJsonEscape} from '../util/go-json.js'
import type {LogMessage} from './types.js'

export type LogOutput = 'plain' | 'keyvalue' | 'json'

export interface LogsRequest {
  name: string
  namespace?: string
  /** follow=true, and reconnect when the gateway ends the stream. */
  follow: boolean
  /** RFC3339 lower bound (from --since-time or now − --since). */
  since?: string
  /** --lines: -1 = all, 0 = leave `tail` out. */
  lines: number
}

export interface LogFormatOptions {
  output: LogOutput
  /** Go layout, or '' to leave the timestamp out. */
  timeFormat: string
  name: boolean
  instance: boolean
}

export interface StreamLogsOptions {
  out: NodeJS.WritableStream
  /** Called before each reconnect (for a note on stderr). */
  onReconnect?: (info: {attempt: number; since?: string; reason: string}) => void
  /** Consecutive failed (re)connects before giving up. */
  maxFailures?: number
  /** Wait before reconnecting after a failure (doubles up to 5 s). */
  backoffMs?: number
  /** Stop following (tests, or a signal). */
  signal?: AbortSignal
  /**
   * A follow stream that ended sooner than this after it opened means the provider does not
   * follow: stop. Longer ones were cut by a timeout: resume. Default: $FAAS_LOGS_MIN_FOLLOW_MS,
   * else 5 s (OpenFaaS cuts after about 30 s).
   */
  minFollowMs?: number
}

export const DEFAULT_MIN_FOLLOW_MS = 5000

/** The reconnect reason after a stream ran its course (the usual case: nothing to report). */
export const GATEWAY_CLOSED = 'the gateway closed the stream'

function minFollowMsFrom(env: NodeJS.ProcessEnv): number {
  const value = Number(env.FAAS_LOGS_MIN_FOLLOW_MS)
  return env.FAAS_LOGS_MIN_FOLLOW_MS && Number.isFinite(value) && value >= 0 ? value : DEFAULT_MIN_FOLLOW_MS
}

/** `since` for the query: --since-time wins, else now − --since (second precision, UTC). */
export function sinceValue(sinceMs: number, sinceTime: string | undefined, now = Date.now()): string | undefined {
  if (sinceTime) {
    const t = Date.parse(sinceTime)
    if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(sinceTime)) {
      throw new FaasError(`invalid argument "${sinceTime}" for "--since-time" flag: expected an RFC3339 timestamp`, {hint: 'For example: --since-time 2024-01-02T15:04:05Z'})
    }
    return sinceTime
  }
  if (sinceMs > 0) return new Date(Math.floor((now - sinceMs) / 1000) * 1000).toISOString().replace('.000Z', 'Z')
  return undefined
}

export function logsQuery(req: LogsRequest, since = req.since, lines = req.lines): Record<string, string | number | undefined> {
  return {
    follow: req.follow ? 'true' : 'false',
    name: req.name,
    namespace: req.namespace || undefined,
    since: since || undefined,
    tail: lines === 0 ? undefined : lines,
  }
}

function trimNewlines(text: string): string {
  let end = text.length
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--
  return end === text.length ? text : text.slice(0, end)
}

/**
 * The function that renders one message as one output line (with its newline). The name and
 * instance come from the gateway and are escaped (ui/escape.ts); the text is the function's own
 * output and is passed on as it is, as `docker logs` and `kubectl logs` do (colours included).
 */
export function logFormatter(options: LogFormatOptions): (msg: LogMessage) => string {
  const fmt = options.timeFormat ? timeFormatter(options.timeFormat) : undefined
  if (options.output === 'json') {
    return (msg) => {
      const line = JSON.stringify({name: msg.name, namespace: msg.namespace, instance: msg.instance, timestamp: rfc3339Nano(String(msg.timestamp ?? '')), text: msg.text})
      // Go's encoder escapes these; keep the bytes faas-cli writes
      return goJsonEscape(line) + '\n'
    }
  }
  const withName = options.name
  const withInstance = options.instance
  if (options.output === 'keyvalue') {
    return (msg) => {
      let line = ''
      if (fmt && msg.timestamp) line += `timestamp="${fmt(msg.timestamp)}" `
      if (withName) line += `name="${printable(String(msg.name))}" `
      if (withInstance) line += `instance="${printable(String(msg.instance))}" `
      return `${line}text="${trimNewlines(String(msg.text ?? ''))}" \n`
    }
  }
  if (!fmt && !withName && !withInstance) return (msg) => trimNewlines(String(msg.text ?? '')) + '\n'
  return (msg) => {
    let line = ''
    if (fmt && msg.timestamp) line += fmt(msg.timestamp) + ' '
    if (withName) line += printable(String(msg.name)) + ' '
    if (withInstance) line += `(${printable(String(msg.instance))}) `
    return line + trimNewlines(String(msg.text ?? '')) + '\n'
  }
}

/**
 * Which lines were already printed at the latest instant: the timestamp of the last line and a
 * count per (instance, text) of the lines printed with that timestamp.
 */
class PrintedTracker {
  lastTs: string | undefined
  counts = new Map<string, number>()

  note(msg: LogMessage): void {
    const ts = msg.timestamp
    if (ts !== this.lastTs) {
      this.lastTs = ts
      this.counts.clear()
    }
    const id = `${msg.instance}\u0000${msg.text}`
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1)
  }
}

/** Drops, after a reconnect, the lines up to and including what was printed before it. */
class ReplayFilter {
  private readonly key: string
  private readonly counts: Map<string, number>
  done = false

  constructor(tracker: PrintedTracker) {
    this.key = timestampKey(tracker.lastTs!)
    this.counts = new Map(tracker.counts)
  }

  /** True when the message was printed before the reconnect. */
  seen(msg: LogMessage): boolean {
    const key = timestampKey(String(msg.timestamp))
    if (key < this.key) return true
    if (key > this.key) {
      this.done = true
      return false
    }
    const id = `${msg.instance}\u0000${msg.text}`
    const left = this.counts.get(id) ?? 0
    if (left > 0) {
      this.counts.set(id, left - 1)
      return true
    }
    return false
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    }, {once: true})
  })
}

export interface StreamLogsResult {
  lines: number
  reconnects: number
  /** Following stopped because the gateway ended a follow stream at once (it does not follow). */
  notFollowed?: boolean
}

export async function streamLogs(client: GatewayClient, req: LogsRequest, format: LogFormatOptions, options: StreamLogsOptions): Promise<StreamLogsResult> {
  const render = logFormatter(format)
  const out = options.out
  const tracker = req.follow ? new PrintedTracker() : undefined
  const maxFailures = options.maxFailures ?? 5
  const minFollowMs = options.minFollowMs ?? minFollowMsFrom(process.env)
  let backoff = options.backoffMs ?? 250
  let failures = 0
  let printed = 0
  let reconnects = 0

  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) break
    const since = tracker?.lastTs ?? req.since
    const lines = tracker?.lastTs ? -1 : req.lines
    const replay = tracker?.lastTs ? new ReplayFilter(tracker) : undefined
    const counter = {lines: 0}
    let failure: unknown
    let openedAt: number | undefined
    try {
      const res = await client.stream('GET', '/system/logs', {query: logsQuery(req, since, lines), timeoutMs: 0, headersTimeoutMs: 60_000})
      if (res.status !== 200) {
        const body = await readPrefix(res.body, 64 * 1024)
        const error = unexpectedStatus({status: res.status, statusText: res.statusText, headers: res.headers, body})
        if (res.status === 404) throw new FaasError(`No such function: ${req.name} (${oneLine(body)})`, {hint: 'Check the name and --namespace; "faas list" shows what is deployed.'})
        // a follower rides out a gateway restart (502/503/504); anything else is final
        if (!(req.follow && attempt > 0 && res.status >= 502 && res.status <= 504)) throw error
        failure = error
      } else {
        openedAt = performance.now()
        // Ctrl-C while the gateway is quiet: end the request instead of waiting for a line
        const abort = () => res.body.destroy()
        options.signal?.addEventListener('abort', abort, {once: true})
        try {
          await renderStream(res.body, render, out, tracker, replay, options.signal, counter)
        } finally {
          options.signal?.removeEventListener('abort', abort)
        }
      }
    } catch (error) {
      if (options.signal?.aborted) break
      if (isFaasError(error) && !(error as {cause?: unknown}).cause) throw error
      if (!req.follow || (attempt === 0 && isUnreachable(error))) {
        throw isFaasError(error) ? error : client.transportError(error, client.urlFor('/system/logs'))
      }
      failure = isFaasError(error) ? error : client.transportError(error, client.urlFor('/system/logs'))
    }
    printed += counter.lines
    if (!req.follow || options.signal?.aborted) break
    // open a while, then ended or cut: the gateway's timeout, so resume at once from the last line
    const cutAfterAWhile = openedAt !== undefined && performance.now() - openedAt >= minFollowMs
    if (cutAfterAWhile) {
      failures = 0
      backoff = options.backoffMs ?? 250
      options.onReconnect?.({attempt: attempt + 1, since: tracker?.lastTs ?? req.since, reason: GATEWAY_CLOSED})
    } else if (failure) {
      // a gateway restarting (502/503/504, refused, reset): a few tries, further and further apart
      failures++
      if (failures >= maxFailures) throw failure
      options.onReconnect?.({attempt: attempt + 1, since: tracker?.lastTs ?? req.since, reason: (failure as Error).message})
      await sleep(backoff, options.signal)
      backoff = Math.min(backoff * 2, 5000)
    } else {
      // ended at once: this provider does not follow logs (faas-cli stops here too)
      return {lines: printed, reconnects, notFollowed: true}
    }
    reconnects++
  }
  return {lines: printed, reconnects}
}

/** Decode one NDJSON response body and write the rendered lines; returns the lines printed. */
async function renderStream(
  body: AsyncIterable<unknown>,
  render: (msg: LogMessage) => string,
  out: NodeJS.WritableStream,
  tracker: PrintedTracker | undefined,
  replay: ReplayFilter | undefined,
  signal: AbortSignal | undefined,
  counter: {lines: number},
): Promise<void> {
  const decoder = new StringDecoder('utf8')
  let pending = ''
  let filter = replay

  const handle = (line: string): string => {
    let msg: LogMessage
    try {
      msg = JSON.parse(line) as LogMessage
    } catch {
      throw new FaasError(`the gateway sent a malformed log line: ${oneLine(line, 80)}`, {hint: 'Is --gateway really an OpenFaaS gateway? Check its logs.'})
    }
    if (filter) {
      if (filter.seen(msg)) return ''
      if (filter.done) filter = undefined
    }
    tracker?.note(msg)
    counter.lines++
    return render(msg)
  }

  const flushText = (data: string, final: boolean): string => {
    let rendered = ''
    let start = 0
    let nl = data.indexOf('\n')
    try {
      while (nl !== -1) {
        if (nl > start) {
          const line = data.slice(start, nl)
          if (line.trim()) rendered += handle(line)
        }
        start = nl + 1
        nl = data.indexOf('\n', start)
      }
      pending = data.slice(start)
      if (final && pending.trim()) {
        rendered += handle(pending)
        pending = ''
      }
    } catch (error) {
      // print what came before the bad line, then fail
      if (rendered) out.write(rendered)
      throw error
    }
    return rendered
  }

  for await (const chunk of body) {
    const text = decoder.write(chunk as Buffer)
    if (pending && !text.includes('\n')) {
      // still inside one line: collect it without scanning it again, up to a bound
      pending += text
    } else {
      const rendered = flushText(pending ? pending + text : text, false)
      if (rendered && !out.write(rendered)) await once(out, 'drain')
    }
    if (pending.length > MAX_LOG_LINE_BYTES) {
      throw new FaasError(`the gateway sent a log line longer than ${formatBytes(MAX_LOG_LINE_BYTES)}`, {hint: 'Is --gateway really an OpenFaaS gateway? faas stops there so that a line without end cannot exhaust its memory.'})
    }
    if (signal?.aborted) return
  }
  const rendered = flushText(pending + decoder.end(), true)
  if (rendered && !out.write(rendered)) await once(out, 'drain')
}
