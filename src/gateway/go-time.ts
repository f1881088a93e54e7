/**
 * Go's time layouts (`2006-01-02T15:04:05Z07:00`), which `logs --time-format` takes, applied to
 * the RFC3339 timestamps the gateway sends — formatted in the timestamp's own offset, as Go
 * formats a time.Time parsed from JSON. A layout is compiled once into a list of parts, so
 * formatting a log line costs a few string operations.
 */

/** faas-cli's named formats (case-insensitive). */
export const NAMED_TIME_FORMATS: Record<string, string> = {
  ansic: 'Mon Jan _2 15:04:05 2006',
  unixdate: 'Mon Jan _2 15:04:05 MST 2006',
  rubydate: 'Mon Jan 02 15:04:05 -0700 2006',
  rfc822: '02 Jan 06 15:04 MST',
  rfc822z: '02 Jan 06 15:04 -0700',
  rfc850: 'Monday, 02-Jan-06 15:04:05 MST',
  rfc1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  rfc1123z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  rfc3339: '2006-01-02T15:04:05Z07:00',
  rfc3339nano: '2006-01-02T15:04:05.999999999Z07:00',
}

export const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00'

export interface TimeParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  /** Fraction of a second as 9 digits. */
  nanos: string
  /** Offset east of UTC in seconds. */
  offset: number
  utc: boolean
}

const TS = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9})\d*)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/

export function parseTimestamp(ts: string): TimeParts | undefined {
  const m = TS.exec(ts)
  if (!m) return undefined
  const offset = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 3600 + Number(m[11]) * 60)
  return {
    year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]),
    nanos: (m[7] ?? '').padEnd(9, '0'), offset, utc: Boolean(m[8]),
  }
}

/** A sortable UTC key `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn` (for comparing timestamps of any offset). */
export function timestampKey(ts: string): string {
  const p = parseTimestamp(ts)
  if (!p) return ts
  if (p.utc || p.offset === 0) return `${ts.slice(0, 19).replace(/[t ]/, 'T')}.${p.nanos}`
  const ms = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - p.offset * 1000
  return `${new Date(ms).toISOString().slice(0, 19)}.${p.nanos}`
}

const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

type Part = string | ((p: TimeParts) => string)

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n))
const weekday = (p: TimeParts) => new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay()
const yearDay = (p: TimeParts) => Math.round((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86_400_000) + 1
const hour12 = (p: TimeParts) => (p.hour % 12 === 0 ? 12 : p.hour % 12)

function zone(p: TimeParts, style: {z: boolean; colon: boolean; seconds: boolean; hoursOnly: boolean}): string {
  if (style.z && p.offset === 0) return 'Z'
  const sign = p.offset < 0 ? '-' : '+'
  const abs = Math.abs(p.offset)
  const h = pad2(Math.floor(abs / 3600))
  const m = pad2(Math.floor((abs % 3600) / 60))
  const s = pad2(abs % 60)
  if (style.hoursOnly) return `${sign}${h}`
  const sep = style.colon ? ':' : ''
  return `${sign}${h}${sep}${m}${style.seconds ? sep + s : ''}`
}

const ZONES: Array<[string, {z: boolean; colon: boolean; seconds: boolean; hoursOnly: boolean}]> = [
  ['Z07:00:00', {z: true, colon: true, seconds: true, hoursOnly: false}],
  ['-07:00:00', {z: false, colon: true, seconds: true, hoursOnly: false}],
  ['Z070000', {z: true, colon: false, seconds: true, hoursOnly: false}],
  ['-070000', {z: false, colon: false, seconds: true, hoursOnly: false}],
  ['Z07:00', {z: true, colon: true, seconds: false, hoursOnly: false}],
  ['-07:00', {z: false, colon: true, seconds: false, hoursOnly: false}],
  ['Z0700', {z: true, colon: false, seconds: false, hoursOnly: false}],
  ['-0700', {z: false, colon: false, seconds: false, hoursOnly: false}],
  ['Z07', {z: true, colon: false, seconds: false, hoursOnly: true}],
  ['-07', {z: false, colon: false, seconds: false, hoursOnly: true}],
]

/** Compile a Go layout into parts (literal text and field formatters). */
export function compileLayout(layout: string): Part[] {
  const parts: Part[] = []
  let literal = ''
  const push = (f: (p: TimeParts) => string) => {
    if (literal) parts.push(literal)
    literal = ''
    parts.push(f)
  }
  let i = 0
  outer: while (i < layout.length) {
    const rest = layout.slice(i)
    const c = layout[i]
    if (rest.startsWith('January')) { push((p) => LONG_MONTHS[p.month - 1]); i += 7; continue }
    if (rest.startsWith('Jan')) { push((p) => LONG_MONTHS[p.month - 1].slice(0, 3)); i += 3; continue }
    if (rest.startsWith('Monday')) { push((p) => LONG_DAYS[weekday(p)]); i += 6; continue }
    if (rest.startsWith('Mon')) { push((p) => LONG_DAYS[weekday(p)].slice(0, 3)); i += 3; continue }
    if (rest.startsWith('MST')) { push((p) => (p.utc || p.offset === 0 ? 'UTC' : zone(p, {z: false, colon: false, seconds: false, hoursOnly: false}))); i += 3; continue }
    if (rest.startsWith('2006')) { push((p) => String(p.year).padStart(4, '0')); i += 4; continue }
    if (rest.startsWith('002')) { push((p) => String(yearDay(p)).padStart(3, '0')); i += 3; continue }
    if (rest.startsWith('01')) { push((p) => pad2(p.month)); i += 2; continue }
    if (rest.startsWith('02')) { push((p) => pad2(p.day)); i += 2; continue }
    if (rest.startsWith('03')) { push((p) => pad2(hour12(p))); i += 2; continue }
    if (rest.startsWith('04')) { push((p) => pad2(p.minute)); i += 2; continue }
    if (rest.startsWith('05')) { push((p) => pad2(p.second)); i += 2; continue }
    if (rest.startsWith('06')) { push((p) => pad2(p.year % 100)); i += 2; continue }
    if (rest.startsWith('15')) { push((p) => pad2(p.hour)); i += 2; continue }
    if (rest.startsWith('__2')) { push((p) => String(yearDay(p)).padStart(3, ' ')); i += 3; continue }
    if (rest.startsWith('_2') && !rest.startsWith('_2006')) { push((p) => String(p.day).padStart(2, ' ')); i += 2; continue }
    if (c === '1') { push((p) => String(p.month)); i += 1; continue }
    if (c === '2') { push((p) => String(p.day)); i += 1; continue }
    if (c === '3') { push((p) => String(hour12(p))); i += 1; continue }
    if (c === '4') { push((p) => String(p.minute)); i += 1; continue }
    if (c === '5') { push((p) => String(p.second)); i += 1; continue }
    if (rest.startsWith('PM')) { push((p) => (p.hour >= 12 ? 'PM' : 'AM')); i += 2; continue }
    if (rest.startsWith('pm')) { push((p) => (p.hour >= 12 ? 'pm' : 'am')); i += 2; continue }
    if (c === 'Z' || c === '-') {
      for (const [token, style] of ZONES) {
        if (rest.startsWith(token)) {
          push((p) => zone(p, style))
          i += token.length
          continue outer
        }
      }
    }
    if (c === '.' || c === ',') {
      const m = /^[.,](0+|9+)(?!\d)/.exec(rest)
      if (m) {
        const digits = m[1].length
        const trim = m[1][0] === '9'
        push((p) => {
          let f = p.nanos.slice(0, digits)
          if (trim) f = f.replace(/0+$/, '')
          return f ? `${c}${f}` : ''
        })
        i += m[0].length
        continue
      }
    }
    literal += c
    i += 1
  }
  if (literal) parts.push(literal)
  return parts
}

/**
 * A formatter for one layout. For the default RFC3339 layout and a timestamp already in that
 * form, the text is cut instead of reassembled.
 */
export function timeFormatter(layout: string): (ts: string) => string {
  const named = NAMED_TIME_FORMATS[layout.toLowerCase()]
  const effective = named ?? layout
  const parts = compileLayout(effective)
  const general = (ts: string): string => {
    const p = parseTimestamp(ts)
    if (!p) return ts
    let out = ''
    for (const part of parts) out += typeof part === 'string' ? part : part(p)
    return out
  }
  if (effective === RFC3339_LAYOUT) {
    return (ts: string) => {
      // 2024-01-01T10:00:00Z or 2024-01-01T10:00:00.123456789Z: drop the fraction
      if (ts.length >= 20 && ts[10] === 'T' && ts[19] === '.') {
        const end = ts.search(/[Z+-](?=[^.]*$)/)
        if (end > 19 && ts[end] === 'Z' && end === ts.length - 1) return `${ts.slice(0, 19)}Z`
      } else if (ts.length === 20 && ts[10] === 'T' && ts[19] === 'Z') {
        return ts
      }
      return general(ts)
    }
  }
  return general
}

/** RFC3339Nano as Go prints it: trailing zeros of the fraction dropped. */
export function rfc3339Nano(ts: string): string {
  const dot = ts.indexOf('.', 19)
  if (dot !== 19) return ts
  let end = dot + 1
  while (end < ts.length && ts.charCodeAt(end) >= 48 && ts.charCodeAt(end) <= 57) end++
  const fraction = ts.slice(dot + 1, end).replace(/0+$/, '')
  return `${ts.slice(0, 19)}${fraction ? `.${fraction}` : ''}${ts.slice(end)}`
}
