import {FaasError} from '../errors.js'

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

/**
 * A Go duration (`300ms`, `-1.5h`, `2h45m`, `0`) in milliseconds, as Go's time.ParseDuration reads
 * it: every number needs a unit except a lone 0. Undefined when it is not one.
 */
export function parseGoDuration(text: string): number | undefined {
  let rest = text.trim()
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (!rest) return undefined
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy
  let total = 0
  let consumed = 0
  let match: RegExpExecArray | null
  while ((match = re.exec(rest)) !== null) {
    total += Number(match[1]) * UNITS[match[2]]
    consumed = re.lastIndex
  }
  return consumed === rest.length ? sign * total : undefined
}

/** A Go duration, or a bare integer taken as seconds (the watchdogs accept that); undefined if neither. */
export function parseDurationOrSeconds(text: string): number | undefined {
  const input = text.trim()
  if (/^[-+]?\d+$/.test(input)) return Number(input) * 1000
  return parseGoDuration(input)
}

/**
 * Parse a Go duration (`1m30s`, `500ms`, `1.5h`, `0`) into milliseconds, as faas-cli's duration
 * flags accept them: like Go, a number needs a unit (`--timeout 5` is an error that suggests `5s`).
 */
export function parseDuration(text: string, flagName?: string): number {
  const ms = parseGoDuration(text)
  if (ms === undefined) throw durationError(text, flagName)
  return ms
}

function durationError(text: string, flagName?: string): FaasError {
  const where = flagName ? ` for "--${flagName}" flag` : ''
  const bare = text.trim()
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(bare)) {
    return new FaasError(`invalid argument "${text}"${where}: time: missing unit in duration "${text}"`, {
      hint: `Add a unit: ${flagName ? `--${flagName} ` : ''}${bare}s (or ms, m, h; e.g. 500ms, 1m30s).`,
    })
  }
  return new FaasError(`invalid argument "${text}"${where}: time: invalid duration "${text}"`, {
    hint: 'Use a Go duration such as 30s, 1m30s or 500ms.',
  })
}

/** Format milliseconds as Go prints a time.Duration (`1m0s`, `5s`, `1.5s`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s'
  const neg = ms < 0
  let rest = Math.abs(ms)
  if (rest < 1000) return `${neg ? '-' : ''}${rest}ms`
  const h = Math.floor(rest / 3_600_000)
  rest -= h * 3_600_000
  const m = Math.floor(rest / 60_000)
  rest -= m * 60_000
  const s = rest / 1000
  let out = ''
  if (h) out += `${h}h`
  if (h || m) out += `${m}m`
  out += `${Number(s.toFixed(9))}s`
  return (neg ? '-' : '') + out
}
