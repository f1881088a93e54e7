/**
 * Text for `list` and `describe`, in faas-cli's layout (spec §5.1). Every value from the gateway
 * goes through printable(): no control character reaches the terminal raw.
 */
import {printable} from '../ui/escape.js'
import {checkCronSchedule, CRON_TOPIC, subscribesTo} from '../util/cron-schedule.js'
import {tabwrite} from '../ui/tabwriter.js'
import type {FunctionDescription} from './functions.js'
import type {FunctionStatus} from './types.js'

/** Enough spaces for any column here: padding is a slice of it, not a new repeat per cell. */
const SPACES = ' '.repeat(64)

function padEnd(text: string, width: number): string {
  const missing = width - text.length
  if (missing <= 0) return text
  return text + (missing <= SPACES.length ? SPACES.slice(0, missing) : ' '.repeat(missing))
}

/** A count from the gateway as text: numbers need no escaping (anything else is escaped). */
function countText(value: unknown): string {
  return typeof value === 'number' ? String(value) : printable(String(value ?? 0))
}

/** Go's `time.Time.String()` for an RFC3339 timestamp: `2024-01-02 03:04:05 +0000 UTC`. */
export function goTimeString(rfc3339: string | undefined): string {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/.exec(rfc3339 ?? '')
  if (!m) return '0001-01-01 00:00:00 +0000 UTC'
  const fraction = m[3] ? m[3].replace(/0+$/, '').replace(/^\.$/, '') : ''
  const zone = !m[4] || m[4].toUpperCase() === 'Z' ? '+0000 UTC' : (() => {
    const off = m[4].replace(':', '')
    return `${off} ${off}`
  })()
  return `${m[1]} ${m[2]}${fraction} ${zone}`
}

/** `list` (default, `-v`, `-q`). */
export function renderFunctionList(list: readonly FunctionStatus[], options: {verbose?: boolean; quiet?: boolean} = {}): string {
  const parts: string[] = []
  if (options.quiet) {
    for (const f of list) parts.push(`${printable(f.name)}\n`)
    return parts.join('')
  }
  if (options.verbose) {
    const images = list.map((f) => printable(f.image ?? ''))
    let imageWidth = 40
    for (const image of images) if (image.length > imageWidth) imageWidth = image.length
    parts.push(`${padEnd('Function', 30)}\t${padEnd('Image', imageWidth)}\t${padEnd('Invocations', 15)}\t${padEnd('Replicas', 5)}\t${padEnd('CreatedAt', 5)}\n`)
    list.forEach((f, i) => {
      parts.push(`${padEnd(printable(f.name), 30)}\t${padEnd(images[i], imageWidth)}\t${padEnd(String(Math.trunc(f.invocationCount ?? 0)), 15)}\t${padEnd(printable(String(f.replicas ?? 0)), 5)}\t\t${padEnd(goTimeString(f.createdAt), 5)}\n`)
    })
    return parts.join('')
  }
  // one string built in place: V8 appends to it without an array of 5,000 row strings to join
  let out = `${padEnd('Function', 30)}\t${padEnd('Invocations', 15)}\t${padEnd('Replicas', 5)}\n`
  for (const f of list) out += `${padEnd(printable(f.name), 30)}\t${padEnd(String(Math.trunc(f.invocationCount ?? 0)), 15)}\t${padEnd(countText(f.replicas), 5)}\n`
  return out
}

function mapLines(title: string, map: Record<string, string | undefined> | undefined, verbose: boolean, out: string[]): void {
  const keys = Object.keys(map ?? {}).sort()
  if (keys.length === 0) {
    if (verbose) out.push(`${title}:\t <none>`)
    return
  }
  out.push(`${title}:`)
  for (const k of keys) out.push(`\t ${printable(k)}: ${printable(String(map![k] ?? ''))}`)
}

function listLines(title: string, values: readonly string[] | undefined, verbose: boolean, out: string[]): void {
  if (!values?.length) {
    if (verbose) out.push(`${title}:\t <none>`)
    return
  }
  out.push(`${title}:`)
  for (const v of values) out.push(`\t - ${printable(String(v))}`)
}

function resourceLines(title: string, r: {cpu?: string; memory?: string} | undefined, verbose: boolean, out: string[]): void {
  if (!r?.cpu && !r?.memory) {
    if (verbose) out.push(`${title}:\t <none>`)
    return
  }
  out.push(`${title}:`)
  if (r.cpu) out.push(`\t CPU: ${printable(String(r.cpu))}`)
  if (r.memory) out.push(`\t Memory: ${printable(String(r.memory))}`)
}

/**
 * The `Next run:` line of a cron function (topic cron-function): computed here from the
 * `schedule` annotation, as the cron-connector reads it, so it shows against any gateway.
 * Times are in this machine's time zone, which is the embedded gateway's.
 */
export function nextRunLine(annotations: Record<string, string> | undefined, now: Date): string | undefined {
  if (!subscribesTo(annotations, CRON_TOPIC)) return undefined
  const text = annotations && Object.hasOwn(annotations, 'schedule') ? annotations.schedule : undefined
  if (text === undefined) return `Next run:	never (no schedule annotation)`
  const checked = checkCronSchedule(text)
  if ('error' in checked) return `Next run:	never (invalid schedule: ${printable(checked.error)})`
  const next = checked.schedule.next(now)
  if (!next) return `Next run:	never (the schedule has no future time)`
  return `Next run:	${localTimeString(next)} (${printable(text)})`
}

/** `2026-12-06 07:45:00 +0000` in this machine's time zone. */
function localTimeString(d: Date): string {
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0')
  const offset = -d.getTimezoneOffset()
  const sign = offset < 0 ? '-' : '+'
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${sign}${pad(Math.trunc(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`
}

/** `describe` text: faas-cli's labels, tabwriter-aligned, empty sections only with `-v`. */
export function renderFunctionDescription(d: FunctionDescription, verbose = false, now = new Date()): string {
  const out: string[] = []
  out.push(`Name:\t${printable(d.name)}`)
  out.push(`Status:\t${d.Status}`)
  out.push(`Replicas:\t${printable(String(d.replicas ?? 0))}`)
  out.push(`Available Replicas:\t${printable(String(d.availableReplicas ?? 0))}`)
  out.push(`Invocations:\t${d.InvocationCount}`)
  out.push(`Image:\t${printable(String(d.image ?? ''))}`)
  out.push(`Function Process:\t${printable(String(d.envProcess || '<default>'))}`)
  out.push(`URL:\t${printable(d.URL)}`)
  out.push(`Async URL:\t${printable(d.AsyncURL)}`)
  mapLines('Labels', d.labels, verbose, out)
  mapLines('Annotations', d.annotations, verbose, out)
  const nextRun = nextRunLine(d.annotations, now)
  if (nextRun) out.push(nextRun)
  mapLines('Environment', d.envVars, verbose, out)
  listLines('Constraints', d.constraints, verbose, out)
  listLines('Secrets', d.secrets, verbose, out)
  resourceLines('Requests', d.requests, verbose, out)
  resourceLines('Limits', d.limits, verbose, out)
  if (d.usage && (d.usage.totalMemoryBytes !== undefined || d.usage.cpu !== undefined)) {
    out.push('Usage:')
    out.push(`  RAM:\t ${((d.usage.totalMemoryBytes ?? 0) / 1024 / 1024).toFixed(2)} MB`)
    out.push(`  CPU:\t ${Math.round(d.usage.cpu ?? 0)} Mi`)
  } else if (verbose) {
    out.push('Usage:\t <none>')
  }
  return tabwrite(out.join('\n') + '\n', {padding: 1, tabIndent: true})
}
