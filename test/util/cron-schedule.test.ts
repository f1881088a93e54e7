// Schedules as OpenFaaS's cron-connector reads them (five fields, names, steps, descriptors,
// CRON_TZ=), and what it refuses even where croner alone would accept it.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {checkCronSchedule, cronScheduleOf, parseCronSchedule, scheduleWarnings, subscribesTo} from '../../src/util/cron-schedule.js'

/** Local time, as the connector schedules in the local zone. */
const at = (y: number, mo: number, d: number, h: number, mi: number, s = 0) => new Date(y, mo - 1, d, h, mi, s)
// a Sunday
const from = at(2026, 12, 6, 7, 41, 30)

function runs(text: string, count: number, start = from): Date[] {
  const schedule = parseCronSchedule(text)
  const out: Date[] = []
  let t = start
  for (let i = 0; i < count; i++) {
    const next = schedule.next(t)
    if (!next) break
    out.push(next)
    t = next
  }
  return out
}

describe('cron schedules', () => {
  it('five fields: steps, lists, ranges, names; the next run is strictly after the given time', () => {
    assert.deepEqual(runs('*/1 * * * *', 3), [at(2026, 12, 6, 7, 42), at(2026, 12, 6, 7, 43), at(2026, 12, 6, 7, 44)])
    assert.deepEqual(runs('*/5 * * * *', 2), [at(2026, 12, 6, 7, 45), at(2026, 12, 6, 7, 50)])
    assert.deepEqual(runs('*/1 * * * *', 1, at(2026, 12, 6, 7, 42)), [at(2026, 12, 6, 7, 43)], 'a run exactly now is not next')
    assert.deepEqual(runs('5/20 * * * *', 3), [at(2026, 12, 6, 7, 45), at(2026, 12, 6, 8, 5), at(2026, 12, 6, 8, 25)], 'n/step runs from n to the end of the field')
    assert.deepEqual(runs('0,30 9-10 * * *', 3), [at(2026, 12, 6, 9, 0), at(2026, 12, 6, 9, 30), at(2026, 12, 6, 10, 0)])
    assert.deepEqual(runs('0 12 1 jan,JUL *', 2), [at(2027, 1, 1, 12, 0), at(2027, 7, 1, 12, 0)], 'month names in any case')
    assert.deepEqual(runs('0 8 * * MON-fri', 2), [at(2026, 12, 7, 8, 0), at(2026, 12, 8, 8, 0)])
    assert.deepEqual(runs('? * * * *', 1), [at(2026, 12, 6, 7, 42)], '? is *')
    assert.deepEqual(runs('  */2   *  * * *  ', 1), [at(2026, 12, 6, 7, 42)], 'spaces between fields as strings.Fields splits them')
  })

  it('day of month OR day of week when both are restricted, AND when one is *', () => {
    // Friday the 11th (a Friday) comes before the 13th (a Sunday)
    assert.deepEqual(runs('0 0 13 * 5', 2), [at(2026, 12, 11, 0, 0), at(2026, 12, 13, 0, 0)])
    assert.deepEqual(runs('0 0 * * 5', 2), [at(2026, 12, 11, 0, 0), at(2026, 12, 18, 0, 0)])
    assert.deepEqual(runs('0 0 13 * *', 1), [at(2026, 12, 13, 0, 0)])
    // */2 is not a plain wildcard: odd days OR Mondays
    assert.deepEqual(runs('0 0 */2 * 1', 3), [at(2026, 12, 7, 0, 0), at(2026, 12, 9, 0, 0), at(2026, 12, 11, 0, 0)])
  })

  it('descriptors and @every', () => {
    assert.deepEqual(runs('@hourly', 1), [at(2026, 12, 6, 8, 0)])
    assert.deepEqual(runs('@daily', 1), [at(2026, 12, 7, 0, 0)])
    assert.deepEqual(runs('@midnight', 1), [at(2026, 12, 7, 0, 0)])
    assert.deepEqual(runs('@weekly', 1), [at(2026, 12, 13, 0, 0)], 'Sunday midnight')
    assert.deepEqual(runs('@monthly', 1), [at(2027, 1, 1, 0, 0)])
    assert.deepEqual(runs('@yearly', 1), [at(2027, 1, 1, 0, 0)])
    assert.deepEqual(runs('@annually', 1), [at(2027, 1, 1, 0, 0)])
    const start = new Date(from.getTime() + 250)
    assert.deepEqual(runs('@every 1m30s', 2, start), [new Date(from.getTime() + 90_000), new Date(from.getTime() + 180_000)], 'from the whole second')
    assert.deepEqual(runs('@every 10ms', 1, start), [new Date(from.getTime() + 1000)], 'at least one second')
  })

  it('CRON_TZ= and TZ= prefixes', () => {
    // Tokyo has no daylight saving time: 09:00 JST is 00:00 UTC
    const base = new Date('2026-12-06T07:42:00Z')
    assert.equal(parseCronSchedule('CRON_TZ=Asia/Tokyo 0 9 * * *').next(base)?.toISOString(), '2026-12-07T00:00:00.000Z')
    assert.equal(parseCronSchedule('TZ=UTC 30 7 * * *').next(base)?.toISOString(), '2026-12-07T07:30:00.000Z')
    assert.equal(parseCronSchedule('CRON_TZ=Asia/Tokyo @daily').next(base)?.toISOString(), '2026-12-06T15:00:00.000Z')
  })

  it('a schedule with no future time parses and has no next run', () => {
    assert.equal(parseCronSchedule('0 0 30 2 *').next(from), undefined)
  })

  it('refuses what the connector refuses, with a reason', () => {
    const refused: Array<[string, RegExp]> = [
      ['', /empty/],
      ['* * * *', /exactly 5 fields.*found 4/],
      ['0 * * * * *', /exactly 5 fields.*found 6/],
      ['60 * * * *', /minute: 60 is above the maximum 59/],
      ['* 24 * * *', /hour: 24/],
      ['0 0 0 * *', /day of month: 0 is below the minimum 1/],
      ['0 0 * 13 *', /month: 13/],
      ['0 0 * * 7', /day of week: 7 is above the maximum 6/],
      ['*/0 * * * *', /step .* positive/],
      ['5-1 * * * *', /starts after it ends/],
      ['1-2-3 * * * *', /too many hyphens/],
      ['1/2/3 * * * *', /too many slashes/],
      ['x * * * *', /minute: "x" is not a number/],
      ['0 0 L * *', /not a number/],
      ['0 0 1W * *', /not a number/],
      ['0 0 * * 1#2', /not a number/],
      ['0 0 * constructor *', /not a number/],
      ['0 0 * __proto__ *', /not a number/],
      ['@reboot', /unknown descriptor/],
      ['@every', /unknown descriptor/],
      ['@every soon', /@every needs a duration/],
      ['CRON_TZ=Nowhere/Else 0 * * * *', /unknown time zone/],
      ['CRON_TZ=Europe/Paris', /needs a schedule after it/],
    ]
    for (const [text, reason] of refused) {
      const checked = checkCronSchedule(text)
      assert.ok('error' in checked, `${JSON.stringify(text)} should be refused`)
      assert.match(checked.error, reason, JSON.stringify(text))
    }
    assert.ok('error' in checkCronSchedule(42 as unknown as string), 'a schedule that is not text')
  })

  it('topics are a comma-separated list; warnings for a deploy', () => {
    assert.equal(subscribesTo({topic: 'cron-function'}, 'cron-function'), true)
    assert.equal(subscribesTo({topic: 'orders, cron-function'}, 'cron-function'), true)
    assert.equal(subscribesTo({topic: 'cron-functions'}, 'cron-function'), false)
    assert.equal(subscribesTo({}, 'cron-function'), false)
    assert.equal(subscribesTo(undefined, 'x'), false)
    assert.equal(subscribesTo(Object.assign(Object.create({topic: 'x'}), {}), 'x'), false, 'only own keys count')

    assert.deepEqual(scheduleWarnings({topic: 'cron-function', schedule: '*/5 * * * *'}), [])
    assert.deepEqual(scheduleWarnings({topic: 'orders'}), [])
    assert.deepEqual(scheduleWarnings(undefined), [])
    assert.match(scheduleWarnings({topic: 'cron-function', schedule: '*/5 * * *'})[0], /^schedule "\*\/5 \* \* \*" is not a valid cron schedule \(expected exactly 5 fields.*\); the function will not be called on a schedule$/)
    assert.match(scheduleWarnings({topic: 'cron-function'})[0], /needs a schedule annotation/)
    assert.match(scheduleWarnings({topic: 'orders', schedule: '* * * * *'})[0], /schedule annotation is ignored/)

    assert.equal(cronScheduleOf({topic: 'cron-function', schedule: '@hourly'})?.text, '@hourly')
    assert.equal(cronScheduleOf({topic: 'cron-function', schedule: 'nope'}), undefined)
    assert.equal(cronScheduleOf({topic: 'orders', schedule: '@hourly'}), undefined)
  })
})
