/**
 * The watchdog's configuration, read from environment variables exactly like of-watchdog and the
 * classic watchdog read theirs (spec §2), so `faas watchdog` can be a container entrypoint and
 * the embedded gateway can reuse a template's settings unchanged.
 */
import {FaasError} from '../../errors.js'
import {parseByteSize, parseDurationSetting} from '../duration.js'

export type WatchdogMode = 'http' | 'streaming' | 'serializing' | 'static' | 'classic'
export const WATCHDOG_MODES: readonly WatchdogMode[] = ['http', 'streaming', 'serializing', 'static', 'classic']

export interface WatchdogConfig {
  mode: WatchdogMode
  /** Command line of the function (split on single spaces, no shell). Empty only in static mode. */
  fprocess: string
  /** http mode: base URL of the function's own server. */
  upstreamUrl?: string
  port: number
  /** Port of the Prometheus metrics server (`/metrics`). */
  metricsPort: number
  readTimeoutMs: number
  writeTimeoutMs: number
  /** 0 = no limit. */
  execTimeoutMs: number
  healthcheckIntervalMs: number
  /** 0 = unlimited. */
  maxInflight: number
  /** Response Content-Type for fork modes; undefined = mode default. */
  contentType?: string
  suppressLock: boolean
  prefixLogs: boolean
  /** Longest log line kept whole; -1 = no limit. */
  logBufferSize: number
  staticPath: string
  readyPath?: string
  bufferHttp: boolean
  cgiHeaders: boolean
  marshalRequest: boolean
  combineOutput: boolean
  /** Our addition: request bodies larger than this get 413 (0 = no limit). */
  maxRequestBodyBytes: number
  /**
   * Our addition: the most output the buffered fork modes (serializing, classic) keep for one
   * call; past it the process is stopped and the call fails, instead of the watchdog growing
   * with whatever a function prints. Streaming and http modes stream and need no such bound.
   */
  maxBufferedOutputBytes: number
}

export const MAX_BUFFERED_OUTPUT_BYTES = 64 * 1024 * 1024

type Env = Record<string, string | undefined>

function nonEmpty(env: Env, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = env[k]
    if (v !== undefined && v !== '') return v
  }
  return undefined
}

/** of-watchdog accepts `true`/`1`, the classic watchdog only `true`. */
function bool(value: string | undefined, fallback: boolean, classic: boolean): boolean {
  if (value === undefined || value === '') return fallback
  const v = value.trim().toLowerCase()
  if (v === 'true' || (!classic && v === '1')) return true
  if (v === 'false' || v === '0') return false
  return false
}

/** A bad number becomes 0 in of-watchdog. */
function int(value: string | undefined, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback
  const n = Number.parseInt(value.trim(), 10)
  return Number.isFinite(n) ? n : 0
}

export function readWatchdogConfig(env: Env): WatchdogConfig {
  const modeText = (env.mode ?? '').trim().toLowerCase() || 'streaming'
  if (!(WATCHDOG_MODES as readonly string[]).includes(modeText)) {
    throw new FaasError(`unknown watchdog mode: ${JSON.stringify(modeText)}`, {
      hint: `set mode to one of: ${WATCHDOG_MODES.join(', ')}`,
    })
  }
  const mode = modeText as WatchdogMode
  const classic = mode === 'classic'
  const fprocess = nonEmpty(env, 'function_process', 'fprocess') ?? ''
  if (mode !== 'static' && fprocess.trim() === '') {
    throw new FaasError('no function process configured: set fprocess (or function_process)', {
      hint: 'e.g. fprocess="node index.js"',
    })
  }
  const upstreamUrl = nonEmpty(env, 'http_upstream_url', 'upstream_url')
  if (mode === 'http' && !upstreamUrl) {
    throw new FaasError('mode=http needs upstream_url (the address the function process listens on)', {
      hint: 'e.g. upstream_url=http://127.0.0.1:3000',
    })
  }
  const writeTimeoutMs = parseDurationSetting(env.write_timeout, 30_000)
  if (writeTimeoutMs <= 0) {
    throw new FaasError('write_timeout must be greater than zero', {hint: 'e.g. write_timeout=30s'})
  }
  return {
    mode,
    fprocess,
    upstreamUrl,
    port: int(env.port, 8080),
    metricsPort: int(env.metrics_port, 8081),
    readTimeoutMs: parseDurationSetting(env.read_timeout, 30_000),
    writeTimeoutMs,
    execTimeoutMs: Math.max(0, parseDurationSetting(env.exec_timeout, classic ? 0 : 30_000)),
    healthcheckIntervalMs: parseDurationSetting(env.healthcheck_interval, writeTimeoutMs),
    maxInflight: Math.max(0, int(env.max_inflight, 0)),
    contentType: nonEmpty(env, 'content_type'),
    suppressLock: bool(env.suppress_lock, false, classic),
    prefixLogs: bool(env.prefix_logs, true, classic),
    logBufferSize: int(env.log_buffer_size, 65536),
    staticPath: nonEmpty(env, 'static_path') ?? '/home/app/public',
    readyPath: nonEmpty(env, 'ready_path'),
    bufferHttp: bool(env.buffer_http, false, classic) || bool(env.http_buffer_req_body, false, classic),
    cgiHeaders: bool(env.cgi_headers, true, classic),
    marshalRequest: bool(env.marshal_request, false, classic),
    combineOutput: bool(env.combine_output, true, classic),
    maxRequestBodyBytes: parseByteSize(env.max_request_body, 0),
    maxBufferedOutputBytes: MAX_BUFFERED_OUTPUT_BYTES,
  }
}

/**
 * Splits `fprocess` the way the watchdogs do: on single spaces, no shell and no quoting, so a
 * double space gives an empty argument.
 */
export function splitFprocess(fprocess: string): {file: string; args: string[]} {
  const parts = fprocess.trim().split(' ')
  return {file: parts[0], args: parts.slice(1)}
}
