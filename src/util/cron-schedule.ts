/**
 * Cron schedules as OpenFaaS's cron-connector reads a function's `schedule` annotation, so that a
 * schedule means the same on the embedded gateway, in `faas describe` and on a real cluster.
 *
 * The connector accepts the standard five fields (minute hour day-of-month month day-of-week),
 * month and weekday names, `*` and `?`, ranges, lists and steps, the descriptors `@yearly`,
 * `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly` and `@every <duration>`,
 * and a `CRON_TZ=<zone>` (or `TZ=<zone>`) prefix; times are in the local time zone otherwise.
 * It refuses what croner alone would accept (seconds, `L`, `W`, `#`, weekday 7), so each field is
 * checked here first and handed to croner in a plain numeric form; croner computes the runs.
 */
import {Cron} from 'croner'
import {parseGoDuration} from './duration.js'

/** The `topic` annotation value the cron-connector looks for. */
export const CRON_TOPIC = 'cron-function'

export interface CronSchedule {
  /** The annotation as written. */
  readonly text: string
  /** The first run strictly after `after`, or undefined when there is none (e.g. `0 0 30 2 *`). */
  next(after: Date): Date | undefined
}

export class ScheduleError extends Error {}

interface FieldRange {
  name: string
  min: number
  max: number
  names?: Record<string, number>
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

const FIELDS: FieldRange[] = [
  {name: 'minute', min: 0, max: 59},
  {name: 'hour', min: 0, max: 23},
  {name: 'day of month', min: 1, max: 31},
  {name: 'month', min: 1, max: 12, names: Object.fromEntries(MONTHS.map((m, i) => [m, i + 1]))},
  {name: 'day of week', min: 0, max: 6, names: Object.fromEntries(DAYS.map((d, i) => [d, i]))},
]

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}

/** Reads a schedule; throws ScheduleError saying what is wrong. */
export function parseCronSchedule(text: string): CronSchedule {
  if (typeof text !== 'string') throw new ScheduleError('the schedule is not text')
  let spec = text.trim()
  if (!spec) throw new ScheduleError('the schedule is empty')
  if (spec.length > 300) throw new ScheduleError('the schedule is longer than 300 characters')
  let timezone: string | undefined
  const tz = /^(?:CRON_TZ|TZ)=(\S*)\s+/.exec(spec)
  if (tz) {
    timezone = checkTimezone(tz[1])
    spec = spec.slice(tz[0].length).trim()
  } else if (/^(?:CRON_TZ|TZ)=/.test(spec)) {
    throw new ScheduleError('a time zone prefix needs a schedule after it (e.g. "CRON_TZ=Europe/Paris 0 9 * * *")')
  }
  if (spec.startsWith('@every ')) return everySchedule(text, spec.slice('@every '.length))
  let pattern: string
  if (spec.startsWith('@')) {
    if (!Object.hasOwn(DESCRIPTORS, spec)) throw new ScheduleError(`unknown descriptor ${JSON.stringify(spec)} (use @yearly, @monthly, @weekly, @daily, @hourly or @every <duration>)`)
    pattern = DESCRIPTORS[spec]
  } else {
    const fields = spec.split(/\s+/)
    if (fields.length !== 5) {
      throw new ScheduleError(`expected exactly 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`)
    }
    pattern = fields.map((f, i) => normaliseField(f, FIELDS[i])).join(' ')
  }
  let cron: Cron
  try {
    cron = new Cron(pattern, {mode: '5-part', timezone})
  } catch (err) {
    throw new ScheduleError((err as Error).message.replace(/^CronPattern: /, ''))
  }
  return {
    text,
    next(after) {
      return cron.nextRun(after) ?? undefined
    },
  }
}

/** The schedule, or the reason it is not one. */
export function checkCronSchedule(text: string): {schedule: CronSchedule} | {error: string} {
  try {
    return {schedule: parseCronSchedule(text)}
  } catch (err) {
    if (err instanceof ScheduleError) return {error: err.message}
    throw err
  }
}

/** Whether a function's `topic` annotation (a comma-separated list) names `topic`. */
export function subscribesTo(annotations: Readonly<Record<string, string>> | undefined, topic: string): boolean {
  const value = annotations && Object.hasOwn(annotations, 'topic') ? annotations.topic : undefined
  if (typeof value !== 'string') return false
  return value.split(',').some((t) => t.trim() === topic)
}

/**
 * What a deploy should be told about a function's cron annotations: a `schedule` that is not
 * valid for a cron function, or one that nothing reads because the topic is not cron-function.
 */
export function scheduleWarnings(annotations: Readonly<Record<string, string>> | undefined): string[] {
  const has = (k: string) => annotations !== undefined && Object.hasOwn(annotations, k)
  const cron = subscribesTo(annotations, CRON_TOPIC)
  if (!cron) {
    return has('schedule') ? [`the schedule annotation is ignored: the topic annotation does not name ${CRON_TOPIC}`] : []
  }
  if (!has('schedule')) return [`topic ${CRON_TOPIC} needs a schedule annotation (e.g. "*/5 * * * *"); the function will not be called on a schedule`]
  const checked = checkCronSchedule(annotations!.schedule)
  if ('error' in checked) {
    return [`schedule ${JSON.stringify(annotations!.schedule.slice(0, 100))} is not a valid cron schedule (${checked.error}); the function will not be called on a schedule`]
  }
  return []
}

/** The cron schedule of a cron function, or undefined (not a cron function, or no valid schedule). */
export function cronScheduleOf(annotations: Readonly<Record<string, string>> | undefined): CronSchedule | undefined {
  if (!subscribesTo(annotations, CRON_TOPIC) || !Object.hasOwn(annotations!, 'schedule')) return undefined
  const checked = checkCronSchedule(annotations!.schedule)
  return 'schedule' in checked ? checked.schedule : undefined
}

function checkTimezone(zone: string): string | undefined {
  // Go's names for "no zone": UTC and Local
  if (zone === '' || zone === 'UTC') return 'UTC'
  if (zone === 'Local') return undefined
  try {
    new Intl.DateTimeFormat('en-US', {timeZone: zone})
  } catch {
    throw new ScheduleError(`unknown time zone ${JSON.stringify(zone.slice(0, 60))}`)
  }
  return zone
}

/** `@every 1h30m`: runs every duration (whole seconds, at least one), from the moment it is set. */
function everySchedule(text: string, durationText: string): CronSchedule {
  const ms = parseGoDuration(durationText.trim())
  if (ms === undefined) throw new ScheduleError(`@every needs a duration such as 5m or 1h30m, not ${JSON.stringify(durationText.slice(0, 60))}`)
  const delay = Math.max(1000, Math.floor(ms / 1000) * 1000)
  return {
    text,
    next(after) {
      return new Date(Math.floor(after.getTime() / 1000) * 1000 + delay)
    },
  }
}

/**
 * One field checked against the connector's grammar and bounds, rewritten as `*` (when it is a
 * plain wildcard, which matters for day-of-month/day-of-week) or a list of numbers.
 */
function normaliseField(field: string, range: FieldRange): string {
  const values = new Set<number>()
  let star = false
  for (const part of field.split(',')) {
    const slash = part.split('/')
    if (slash.length > 2) throw new ScheduleError(`${range.name}: too many slashes in ${JSON.stringify(part)}`)
    const bounds = slash[0].split('-')
    let start: number
    let end: number
    const wildcard = bounds[0] === '*' || bounds[0] === '?'
    if (wildcard) {
      if (bounds.length > 1) throw new ScheduleError(`${range.name}: ${JSON.stringify(part)} is not a range`)
      start = range.min
      end = range.max
    } else {
      if (bounds.length > 2) throw new ScheduleError(`${range.name}: too many hyphens in ${JSON.stringify(part)}`)
      start = fieldValue(bounds[0], range)
      end = bounds.length === 2 ? fieldValue(bounds[1], range) : start
    }
    let step = 1
    if (slash.length === 2) {
      step = number(slash[1], range)
      if (bounds.length === 1 && !wildcard) end = range.max
    }
    if (start < range.min) throw new ScheduleError(`${range.name}: ${start} is below the minimum ${range.min}`)
    if (end > range.max) throw new ScheduleError(`${range.name}: ${end} is above the maximum ${range.max}`)
    if (start > end) throw new ScheduleError(`${range.name}: the range ${JSON.stringify(part)} starts after it ends`)
    if (step < 1) throw new ScheduleError(`${range.name}: the step in ${JSON.stringify(part)} must be a positive number`)
    if (wildcard && step === 1) star = true
    for (let v = start; v <= end; v += step) values.add(v)
  }
  if (star) return '*'
  return [...values].sort((a, b) => a - b).join(',')
}

function fieldValue(text: string, range: FieldRange): number {
  const key = text.toLowerCase()
  if (range.names && Object.hasOwn(range.names, key)) return range.names[key]
  return number(text, range)
}

function number(text: string, range: FieldRange): number {
  if (!/^\d{1,4}$/.test(text)) {
    const names = range.names ? ` or a name (${Object.keys(range.names).slice(0, 3).join(', ')}, …)` : ''
    throw new ScheduleError(`${range.name}: ${JSON.stringify(text.slice(0, 20))} is not a number${names}`)
  }
  return Number(text)
}
