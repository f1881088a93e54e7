/**
 * Durations as the watchdog and gateway read them (spec §0): an integer is a number of seconds,
 * anything else is a Go duration such as `500ms`, `1m30s` or `1.5h`. Unparsable values fall back
 * to the caller's default instead of failing, like of-watchdog does (the parsing itself is the
 * CLI's, in src/util/duration.ts).
 */
import {parseDurationOrSeconds} from '../util/duration.js'

/** Integer seconds or a Go duration, in milliseconds; `fallback` when absent or unparsable. */
export function parseDurationSetting(value: string | undefined, fallbackMs: number): number {
  if (value === undefined || value.trim() === '') return fallbackMs
  return parseDurationOrSeconds(value) ?? fallbackMs
}

/** Seconds with six decimals, the way Go's `%f` prints them (X-Duration-Seconds). */
export function formatSeconds(ms: number): string {
  return (ms / 1000).toFixed(6)
}

/** A duration for people, as Go prints one (`500ms`, `1.5s`, `1m30s`): the CLI's formatter. */
export {formatDuration} from '../util/duration.js'

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
