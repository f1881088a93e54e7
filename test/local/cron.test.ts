// The built-in cron: the scheduler on a fake clock (a minute is not waited for), then the real
// gateway: deploy → scheduled → the cron-connector's request reaches the function; a bad schedule
// is a deploy warning; updates, removals and namespaces are followed at once; `faas describe`
// shows the next run.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'

import {type CronRun, CronScheduler, type SchedulerClock} from '../../src/local/gateway/cron.js'
import {type EmbeddedGateway, startGateway} from '../../src/local/gateway/server.js'
import {cleanEnv, runCli} from '../helpers/cli.js'
import {json, registerTestImage, request, tempDir, waitFor, writeFile} from './helpers.js'

/** Timers that run when the test moves time forward. */
class FakeClock implements SchedulerClock {
  private t: number
  private seq = 0
  readonly timers = new Map<number, {at: number; fn: () => void; ms: number}>()
  constructor(start: Date) {
    this.t = start.getTime()
  }

  now(): number {
    return this.t
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq
    this.timers.set(id, {at: this.t + ms, fn, ms})
    return id
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number)
  }

  /** Moves time forward by `ms`, running every timer that comes due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms
    for (;;) {
      let first: [number, {at: number; fn: () => void}] | undefined
      for (const entry of this.timers) if (entry[1].at <= end && (!first || entry[1].at < first[1].at)) first = entry
      if (!first) break
      this.timers.delete(first[0])
      this.t = Math.max(this.t, first[1].at)
      first[1].fn()
      await new Promise((r) => setImmediate(r))
    }
    this.t = end
  }
}

const local = (y: number, mo: number, d: number, h: number, mi: number, s = 0) => new Date(y, mo - 1, d, h, mi, s)
const cronFn = (name: string, schedule: string, namespace = 'openfaas-fn') => ({name, namespace, annotations: {topic: 'cron-function', schedule}})

describe('cron scheduler (fake clock)', () => {
  function scheduler(clock: FakeClock, invoke: (run: CronRun) => Promise<void> = async () => {}, maxInflight = 4) {
    const events: string[] = []
    const runs: CronRun[] = []
    const s = new CronScheduler({
      clock,
      maxInflight,
      event: (ns, name, m) => events.push(`${name}.${ns}: ${m}`),
      invoke: (run) => {
        runs.push(run)
        return invoke(run)
      },
    })
    return {s, events, runs}
  }

  test('*/1 * * * *: the first call at the next minute, then one a minute', async () => {
    const clock = new FakeClock(local(2026, 12, 6, 7, 41, 30))
    const {s, runs, events} = scheduler(clock)
    s.sync([cronFn('tick', '*/1 * * * *'), {name: 'plain', namespace: 'openfaas-fn', annotations: {}}])
    assert.deepEqual(s.entries().map((e) => [e.name, e.schedule, e.next?.getTime()]), [['tick', '*/1 * * * *', local(2026, 12, 6, 7, 42).getTime()]])
    assert.match(events[0], /^tick\.openfaas-fn: cron: scheduled \[\*\/1 \* \* \* \*\], next run /)
    await clock.advance(29_999)
    assert.equal(runs.length, 0)
    await clock.advance(1)
    assert.equal(runs.length, 1, 'called at 07:42:00, 30 s after it was scheduled')
    await clock.advance(3 * 60_000)
    assert.deepEqual(runs.map((r) => r.due.getTime() - local(2026, 12, 6, 7, 42).getTime()), [0, 60_000, 120_000, 180_000])
    assert.deepEqual(runs.map((r) => `${r.name}.${r.namespace} ${r.schedule}`), Array(4).fill('tick.openfaas-fn */1 * * * *'))
    s.close()
    assert.equal(clock.timers.size, 0, 'no timer is left after close')
  })

  test('updates, removals and bad schedules are followed at once; an unchanged schedule keeps its timer', async () => {
    const clock = new FakeClock(local(2026, 12, 6, 7, 41, 30))
    const {s, runs, events} = scheduler(clock)
    s.sync([cronFn('a', '*/5 * * * *'), cronFn('b', '*/1 * * * *', 'staging'), cronFn('bad', '61 * * * *')])
    assert.deepEqual(s.entries().map((e) => `${e.name}.${e.namespace}`), ['a.openfaas-fn', 'b.staging'])
    const timersBefore = [...clock.timers.keys()]
    s.sync([cronFn('a', '*/5 * * * *'), cronFn('b', '*/1 * * * *', 'staging')])
    assert.deepEqual([...clock.timers.keys()], timersBefore, 'a sync with nothing changed re-arms nothing')

    s.sync([cronFn('a', '0 * * * *'), cronFn('b', '*/1 * * * *', 'staging')])
    assert.equal(s.nextRun('openfaas-fn', 'a')?.getTime(), local(2026, 12, 6, 8, 0).getTime(), 'the new schedule counts at once')
    assert.ok(events.some((e) => e === 'a.openfaas-fn: cron: removed [*/5 * * * *]'))

    s.sync([cronFn('a', '0 * * * *')])
    assert.equal(s.nextRun('staging', 'b'), undefined)
    await clock.advance(10 * 60_000)
    assert.deepEqual(runs.map((r) => r.name), [], 'b was removed before its first run, a runs at 08:00')
    await clock.advance(10 * 60_000)
    assert.deepEqual(runs.map((r) => r.name), ['a'])
    s.sync([cronFn('a', 'not a schedule')])
    assert.deepEqual(s.entries(), [], 'an update to a bad schedule unschedules the function')
    assert.equal(clock.timers.size, 0)
  })

  test('a run whose earlier calls are still going is skipped past maxInflight, and logged', async () => {
    const clock = new FakeClock(local(2026, 12, 6, 7, 41, 30))
    const pending: Array<() => void> = []
    const {s, runs, events} = scheduler(clock, () => new Promise<void>((r) => pending.push(r)), 2)
    s.sync([cronFn('slow', '* * * * *')])
    await clock.advance(30_000 + 3 * 60_000)
    assert.equal(runs.length, 2, 'two calls going, the next two runs skipped')
    assert.equal(events.filter((e) => /skipped: 2 call\(s\) of earlier runs still going/.test(e)).length, 2)
    pending.shift()!()
    await new Promise((r) => setImmediate(r))
    await clock.advance(60_000)
    assert.equal(runs.length, 3, 'a call ended: the next run goes')
    s.close()
  })

  test('a yearly schedule waits in timers node can hold (at most 2^31-1 ms each)', async () => {
    const clock = new FakeClock(local(2026, 12, 6, 7, 41, 30))
    const {s, runs} = scheduler(clock)
    s.sync([cronFn('yearly', '0 0 1 7 *')])
    assert.ok([...clock.timers.values()].every((t) => t.ms <= 2 ** 31 - 1))
    await clock.advance(local(2027, 7, 1, 0, 0).getTime() - clock.now() - 1)
    assert.equal(runs.length, 0)
    await clock.advance(1)
    assert.equal(runs.length, 1)
    assert.equal(runs[0].due.getTime(), local(2027, 7, 1, 0, 0).getTime())
    s.close()
  })
})

describe('cron in the embedded gateway', () => {
  const root = tempDir('faas-cron-test-')
  const indexPath = path.join(root, 'images', 'index.json')
  let gw: EmbeddedGateway
  const seen: Array<{fn: string; request: any}> = []

  /** An http-mode function that logs each request it gets as one JSON line. */
  const RECORD_SCRIPT = `
const http = require('node:http')
http.createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString()
    console.log('REQ ' + JSON.stringify({method: req.method, url: req.url, headers: req.headers, body}))
    res.setHeader('Content-Type', 'text/plain')
    res.end('got ' + body)
  })
}).listen(Number(process.env.http_port), '127.0.0.1')
`

  before(async () => {
    const dir = await registerTestImage(indexPath, 'test/record:latest', {mode: 'http', run: `${process.execPath} record.cjs`, port_env: 'http_port'})
    writeFile(dir, 'record.cjs', RECORD_SCRIPT)
    gw = await startGateway({
      port: 0,
      dataDir: path.join(root, 'data'),
      imageIndexPath: indexPath,
      version: 'test',
      onFunctionLog: (fn, _instance, line) => {
        const at = line.indexOf('REQ ')
        if (at !== -1) seen.push({fn, request: JSON.parse(line.slice(at + 4))})
      },
    })
  })
  after(async () => {
    await gw.close()
    fs.rmSync(root, {recursive: true, force: true})
  })

  /** The texts of a function's log lines. */
  const logText = async (name: string) =>
    (await request(`${gw.url}/system/logs?name=${name}&follow=false`)).text.trim().split('\n').map((l) => JSON.parse(l).text).join('\n')

  const deploy = (service: string, annotations: Record<string, string>, extra: Record<string, unknown> = {}, method = 'POST') =>
    request(`${gw.url}/system/functions`, {method, headers: {'Content-Type': 'application/json'}, body: JSON.stringify({service, image: 'test/record:latest', labels: {}, annotations, ...extra})})

  test('deploy → scheduled at once → called as the cron-connector calls; the invocation counter counts it', async () => {
    // @every 1s is a schedule the connector accepts too: the test need not wait for a minute
    const r = await deploy('tick', {topic: 'cron-function', schedule: '@every 1s'})
    assert.equal(r.status, 202, r.text)
    assert.equal(r.headers.warning, undefined)
    assert.deepEqual(gw.cron.entries().map((e) => [e.name, e.namespace, e.schedule]), [['tick', 'openfaas-fn', '@every 1s']], 'scheduled when the deploy answers')
    const call = await waitFor(() => seen.find((s) => s.fn.startsWith('tick')), 10_000, 'a cron call')
    const req = call.request
    assert.equal(req.method, 'POST')
    assert.equal(req.url, '/')
    assert.equal(req.body, '', 'no body')
    assert.equal(req.headers['x-topic'], 'cron-function')
    assert.equal(req.headers['x-connector'], 'cron-connector')
    assert.equal(req.headers['user-agent'], 'openfaas-ce/cron-connector')
    assert.equal(req.headers['content-type'], undefined, 'no Content-Type, as the connector sends none')
    assert.match(req.headers['x-call-id'], /^[0-9a-f-]{36}$/, 'through the gateway route: a call id')
    // the counter moves when a call has answered, a moment after the function saw it: it is
    // read until it has counted two calls (a snapshot taken at once could still say 0)
    await waitFor(async () => json(await request(`${gw.url}/system/functions`)).find((f: any) => f.name === 'tick')?.invocationCount >= 2, 10_000, 'two calls counted')
    assert.match(await logText('tick'), /cron: called \[@every 1s\]: status 200/, 'each call is in the function\'s log, as the connector logs it')
    assert.equal((await request(`${gw.url}/system/functions`, {method: 'DELETE', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({functionName: 'tick'})})).status, 200)
    assert.deepEqual(gw.cron.entries(), [], 'removed with the function')
    const count = seen.filter((s) => s.fn.startsWith('tick')).length
    await new Promise((r) => setTimeout(r, 1500))
    assert.equal(seen.filter((s) => s.fn.startsWith('tick')).length, count, 'no call after the removal')
  })

  test('a bad schedule is a warning in the answer and the log, never a failure', async () => {
    const r = await deploy('broken', {topic: 'cron-function', schedule: '*/5 * * *'})
    assert.equal(r.status, 202)
    assert.match(String(r.headers.warning), /^299 faas-gateway ".*schedule \\"\*\/5 \* \* \*\\" is not a valid cron schedule/)
    assert.match(r.text, /^Warning: schedule "\*\/5 \* \* \*" is not a valid cron schedule \(expected exactly 5 fields/)
    assert.deepEqual(gw.cron.entries().filter((e) => e.name === 'broken'), [])
    assert.match(await logText('broken'), /warning: schedule "\*\/5 \* \* \*" is not a valid cron schedule/)
    // fixed by an update: scheduled at once
    const fixed = await deploy('broken', {topic: 'cron-function', schedule: '0 0 1 1 *'}, {}, 'PUT')
    assert.equal(fixed.status, 200)
    assert.equal(fixed.headers.warning, undefined)
    assert.equal(gw.cron.entries().find((e) => e.name === 'broken')?.schedule, '0 0 1 1 *')
    assert.equal((await request(`${gw.url}/function/broken`, {method: 'POST', body: 'x'})).status, 200, 'the function itself works all along')
  })

  test('namespaces: a cron function in another namespace is called there; deleting the namespace unschedules it', async () => {
    const ns = await request(`${gw.url}/system/namespace/`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({name: 'staging'})})
    assert.equal(ns.status, 201, ns.text)
    assert.equal((await deploy('nightly', {topic: 'cron-function', schedule: '@every 1s'}, {namespace: 'staging'})).status, 202)
    assert.ok(gw.cron.entries().some((e) => e.name === 'nightly' && e.namespace === 'staging'))
    await waitFor(() => seen.find((s) => s.fn.startsWith('nightly')), 10_000, 'a call in staging')
    await waitFor(async () => json(await request(`${gw.url}/system/functions?namespace=staging`))[0].invocationCount >= 1, 5000, 'the call counted in staging')
    assert.equal((await request(`${gw.url}/system/namespace/staging`, {method: 'DELETE'})).status, 202)
    assert.ok(!gw.cron.entries().some((e) => e.namespace === 'staging'))
  })

  test('faas describe shows the next run of a cron function (computed from the annotation)', async () => {
    assert.equal((await deploy('minutely', {topic: 'cron-function', schedule: '*/1 * * * *'})).status, 202)
    const gatewayNext = gw.cron.nextRun('openfaas-fn', 'minutely')
    assert.ok(gatewayNext)
    const r = await runCli(['describe', 'minutely', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    const m = /^Next run: +(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) \+0000 \(\*\/1 \* \* \* \*\)$/m.exec(r.stdout)
    assert.ok(m, r.stdout)
    const shown = new Date(m[1].replace(' ', 'T') + 'Z').getTime()
    // the CLI computes it a moment later than the gateway: the same minute, or the next one
    assert.ok(shown === gatewayNext.getTime() || shown === gatewayNext.getTime() + 60_000, `${m[1]} vs ${gatewayNext.toISOString()}`)
    const jsonOut = await runCli(['describe', 'minutely', '-g', gw.url, '-j'])
    assert.equal(jsonOut.code, 0, jsonOut.stderr)
    assert.ok(!/next/i.test(Object.keys(JSON.parse(jsonOut.stdout)).join(',')), 'the JSON keeps faas-cli\'s fields')
    const bad = await runCli(['describe', 'broken', '-g', gw.url])
    assert.match(bad.stdout, /^Next run: +2027-01-01 00:00:00 \+0000 \(0 0 1 1 \*\)$/m)
  })

  test('faas deploy prints the warning of a bad schedule and succeeds', async () => {
    const r = await runCli(['deploy', '--image', 'test/record:latest', '--name', 'typo', '--annotation', 'topic=cron-function', '--annotation', 'schedule=*/5 * * * * *', '-g', gw.url], {env: cleanEnv({FAAS_IMAGE_INDEX: indexPath})})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /Warning: typo: schedule "\*\/5 \* \* \* \* \*" is not a valid cron schedule \(expected exactly 5 fields .*found 6\)/)
    const d = await runCli(['describe', 'typo', '-g', gw.url])
    assert.match(d.stdout, /^Next run: +never \(invalid schedule: expected exactly 5 fields/m)
  })

  test('schedules come back with the functions when the gateway restarts', async () => {
    const dataDir = path.join(root, 'restart')
    const first = await startGateway({port: 0, dataDir, imageIndexPath: indexPath, version: 'test'})
    const r = await request(`${first.url}/system/functions`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({service: 'kept', image: 'test/record:latest', annotations: {topic: 'cron-function', schedule: '@hourly'}})})
    assert.equal(r.status, 202)
    await first.close()
    const second = await startGateway({port: 0, dataDir, imageIndexPath: indexPath, version: 'test'})
    try {
      assert.deepEqual(second.cron.entries().map((e) => [e.name, e.schedule]), [['kept', '@hourly']])
    } finally {
      await second.close()
    }
  })
})
