/**
 * Durations as the watchdog and gateway read them (spec §0): an integer is a number of seconds,
 * anything else is a Go duration such as `500ms`, `1m30s` or `1.5h`. Unparsable values fall back
 * to the caller's default instead of failing, like of-watchdog does.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

/** Parses a Go duration string (`300ms`, `-1.5h`, `2h45m`) into milliseconds; undefined when invalid. */
export function parseGoDuration(text: string): number | undefined {
  let s = text.trim()
  if (s === '') return undefined
  let sign = 1
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1
    s = s.slice(1)
  }
  if (s === '0') return 0
  const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/
  let total = 0
  let matched = false
  while (s.length > 0) {
    const m = part.exec(s)
    if (!m) return undefined
    total += Number(m[1]) * UNIT_MS[m[2]]
    s = s.slice(m[0].length)
    matched = true
  }
  return matched ? sign * total : undefined
}

/** Integer seconds or a Go duration, in milliseconds; `fallback` when absent or unparsable. */
export function parseDurationSetting(value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs
  const v = value.trim()
  if (v === '') return fallbackMs
  if (/^-?\d+$/.test(v)) return Number(v) * 1000
  return parseGoDuration(v) ?? fallbackMs
}

/** Seconds with six decimals, the way Go's `%f` prints them (X-Duration-Seconds). */
export function formatSeconds(ms: number): string {
  return (ms / 1000).toFixed(6)
}

/** Byte sizes for limits: plain bytes or with a k/Ki/M/Mi/G/Gi suffix. */
export function parseByteSize(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]i?)?[bB]?\s*$/.exec(value)
  if (!m) return fallback
  const n = Number(m[1])
  const unit = (m[2] ?? '').toLowerCase()
  const mult: Record<string, number> = {
    '': 1, k: 1e3, ki: 1024, m: 1e6, mi: 1024 ** 2, g: 1e9, gi: 1024 ** 3, t: 1e12, ti: 1024 ** 4,
  }
  return Math.floor(n * mult[unit])
}
