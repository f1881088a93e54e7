/**
 * Nanosecond wall-clock time for the places OpenFaaS shows nanoseconds: log timestamps
 * (RFC3339Nano) and the gateway's X-Start-Time header (Unix ns). Date.now() only has
 * milliseconds, so the sub-millisecond part comes from the monotonic clock.
 */

const originNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint()

/** Current Unix time in nanoseconds. */
export function nowUnixNanos(): bigint {
  return originNs + process.hrtime.bigint()
}

/** RFC3339 with nanoseconds in UTC, trailing zeros trimmed like Go's time.RFC3339Nano. */
export function rfc3339Nano(unixNs: bigint = nowUnixNanos()): string {
  const ms = Number(unixNs / 1_000_000n)
  const iso = new Date(ms).toISOString() // 2024-01-02T03:04:05.678Z
  const frac = (unixNs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '')
  return iso.slice(0, 19) + (frac ? '.' + frac : '') + 'Z'
}

/** Parses an RFC3339 timestamp into Unix nanoseconds; undefined when invalid. */
export function parseRfc3339(text: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(text.trim())
  if (!m) return undefined
  const base = Date.parse(m[1] + (m[3].toUpperCase() === 'Z' ? 'Z' : m[3]))
  if (Number.isNaN(base)) return undefined
  const frac = BigInt((m[2] ?? '').padEnd(9, '0') || '0')
  return BigInt(base) * 1_000_000n + frac
}

/** `YYYY/MM/DD HH:MM:SS`, the Go log package's default prefix (local time). */
export function goLogTimestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}
