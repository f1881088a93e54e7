/**
 * The watchdog's Prometheus metrics, scraped as Prometheus would: of-watchdog's names, types,
 * labels and buckets, on their own port, counting only calls to the function.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import {after, describe, test} from 'node:test'
import {readWatchdogConfig} from '../../src/local/watchdog/config.js'
import {methodLabel} from '../../src/local/watchdog/metrics.js'
import {startWatchdogServer, type WatchdogServer} from '../../src/local/watchdog/server.js'
import {freePort, request, tempDir, waitFor, writeFile} from './helpers.js'

const dir = tempDir('faas-wd-metrics-')
const servers: WatchdogServer[] = []
after(async () => {
  await Promise.all(servers.map((s) => s.close()))
  fs.rmSync(dir, {recursive: true, force: true})
})

async function start(env: Record<string, string>, metricsPort: number | null = 0): Promise<WatchdogServer> {
  const s = await startWatchdogServer({
    env: {PATH: process.env.PATH, ...env},
    port: 0,
    host: '127.0.0.1',
    lockDir: tempDir('faas-lock-'),
    metricsPort,
    logs: () => {},
    warn: () => {},
  })
  servers.push(s)
  return s
}

/** Sample value of one series from the exposition text (labels in any order). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const got: Record<string, string> = {}
    for (const pair of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) got[pair[1]] = pair[2]
    if (Object.keys(labels).length !== Object.keys(got).length) continue
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3])
  }
  return undefined
}

describe('watchdog metrics', () => {
  test('scrape: http_requests_total, http_request_duration_seconds and http_requests_in_flight as of-watchdog names them', async () => {
    const wd = await start({mode: 'streaming', fprocess: 'cat'})
    assert.ok(wd.metricsUrl, 'the metrics server listens')
    await request(`${wd.url}/`, {method: 'POST', body: 'one'})
    await request(`${wd.url}/`, {method: 'POST', body: 'two'})
    await request(`${wd.url}/x`)
    // not counted, as in Go: the health and readiness routes, and router redirects
    await request(`${wd.url}/_/health`)
    await request(`${wd.url}/_/ready`)
    await request(`${wd.url}//unclean`)
    const r = await request(wd.metricsUrl!)
    assert.equal(r.status, 200)
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/)
    const text = r.text
    assert.match(text, /^# TYPE http_requests_total counter$/m)
    assert.match(text, /^# HELP http_requests_total total HTTP requests processed$/m)
    assert.match(text, /^# TYPE http_request_duration_seconds histogram$/m)
    assert.match(text, /^# HELP http_request_duration_seconds Seconds spent serving HTTP requests\.$/m)
    assert.match(text, /^# TYPE http_requests_in_flight gauge$/m)
    assert.equal(sample(text, 'http_requests_total', {code: '200', method: 'post'}), 2)
    assert.equal(sample(text, 'http_requests_total', {code: '200', method: 'get'}), 1)
    assert.equal(text.match(/^http_requests_total\{/gm)?.length, 2, 'health, ready and the redirect are not counted')
    assert.equal(sample(text, 'http_request_duration_seconds_count', {code: '200', method: 'post'}), 2)
    // Prometheus's default buckets, as Go's DefBuckets
    const buckets = [...text.matchAll(/^http_request_duration_seconds_bucket\{(.*)\} /gm)]
      .map((m) => m[1])
      .filter((l) => l.includes('method="post"'))
      .map((l) => /le="([^"]+)"/.exec(l)![1])
    assert.deepEqual(buckets, ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'])
    assert.equal(sample(text, 'http_request_duration_seconds_bucket', {le: '+Inf', code: '200', method: 'post'}), 2)
    assert.ok(sample(text, 'http_request_duration_seconds_sum', {code: '200', method: 'post'})! > 0)
    assert.equal(sample(text, 'http_requests_in_flight'), 0)
    // Go's metrics mux knows /metrics alone
    const other = await request(wd.metricsUrl!.replace(/\/metrics$/, '/other'))
    assert.equal(other.status, 404)
    assert.equal(other.text, '404 page not found\n')
  })

  test('in-flight gauge during a slow call; 429s and failures counted with their code', async () => {
    const slow = writeFile(dir, 'slow.cjs', `process.stdin.resume(); process.stdin.on('end', () => setTimeout(() => process.stdout.write('done'), 600))`)
    const wd = await start({mode: 'serializing', fprocess: `${process.execPath} ${slow}`, max_inflight: '1'})
    const pending = request(`${wd.url}/`, {method: 'PUT', body: 'x'})
    await waitFor(() => wd.watchdog.inflight === 1, 3000, 'in flight')
    const during = (await request(wd.metricsUrl!)).text
    assert.equal(sample(during, 'http_requests_in_flight'), 1)
    assert.equal((await request(`${wd.url}/`, {method: 'DELETE'})).status, 429)
    assert.equal((await pending).status, 200)
    const text = (await request(wd.metricsUrl!)).text
    assert.equal(sample(text, 'http_requests_in_flight'), 0)
    assert.equal(sample(text, 'http_requests_total', {code: '200', method: 'put'}), 1)
    assert.equal(sample(text, 'http_requests_total', {code: '429', method: 'delete'}), 1)
    const fail = await start({mode: 'serializing', fprocess: 'false'})
    assert.equal((await request(`${fail.url}/`)).status, 500)
    assert.equal(sample((await request(fail.metricsUrl!)).text, 'http_requests_total', {code: '500', method: 'get'}), 1)
  })

  test('metrics_port sets the port (default 8081); a taken port leaves the watchdog up without metrics', async () => {
    const port = await freePort()
    // no metricsPort option: the metrics_port variable decides
    const wd = await startWatchdogServer({
      env: {PATH: process.env.PATH, mode: 'streaming', fprocess: 'cat', metrics_port: String(port)},
      port: 0,
      host: '127.0.0.1',
      lockDir: tempDir('faas-lock-'),
      logs: () => {},
    })
    servers.push(wd)
    assert.equal(readWatchdogConfig({fprocess: 'cat'}).metricsPort, 8081)
    assert.equal(wd.config.metricsPort, port)
    assert.equal(wd.metricsUrl, `http://127.0.0.1:${port}/metrics`)
    assert.equal((await request(wd.metricsUrl!)).status, 200)
    const warnings: string[] = []
    const second = await startWatchdogServer({
      env: {PATH: process.env.PATH, mode: 'streaming', fprocess: 'cat', metrics_port: String(port)},
      port: 0,
      host: '127.0.0.1',
      lockDir: tempDir('faas-lock-'),
      logs: () => {},
      warn: (t) => warnings.push(t),
    })
    servers.push(second)
    assert.equal(second.metricsUrl, undefined)
    assert.match(warnings.join('\n'), /metrics server not started on port \d+: .*EADDRINUSE/)
    assert.equal((await request(`${second.url}/`, {method: 'POST', body: 'still up'})).text, 'still up')
  })

  test('method labels follow Go: known methods lower-case, others unknown', () => {
    assert.equal(methodLabel('GET'), 'get')
    assert.equal(methodLabel('PATCH'), 'patch')
    assert.equal(methodLabel('PROPFIND'), 'unknown')
    assert.equal(methodLabel(undefined), 'unknown')
  })
})
