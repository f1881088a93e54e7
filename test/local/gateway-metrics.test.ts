// Prometheus metrics of the embedded gateway, scraped from its metrics port as Prometheus would:
// OpenFaaS's names, types, labels and buckets, and `faas list` counts that agree with them.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {type EmbeddedGateway, startGateway} from '../../src/local/gateway/server.js'
import {json, registerTestImage, request, tempDir} from './helpers.js'

const root = tempDir('faas-gw-metrics-test-')
const indexPath = path.join(root, 'images', 'index.json')
const gateways: EmbeddedGateway[] = []

async function gateway(opts: Parameters<typeof startGateway>[0] = {}): Promise<EmbeddedGateway> {
  const gw = await startGateway({port: 0, dataDir: path.join(root, `data-${gateways.length}`), imageIndexPath: indexPath, version: 'test', sandbox: 'none', ...opts})
  gateways.push(gw)
  return gw
}

const deploy = (gw: EmbeddedGateway, service: string, namespace?: string) =>
  request(`${gw.url}/system/functions`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({service, image: 'test/echo:latest', namespace})})

const metricsUrl = (gw: EmbeddedGateway) => `http://127.0.0.1:${gw.metricsPort}/metrics`

/** The samples of the exposition text: `name{labels}` → value. */
async function scrape(gw: EmbeddedGateway): Promise<{text: string; sample: (name: string, labels?: Record<string, string>) => number | undefined}> {
  const r = await request(metricsUrl(gw))
  assert.equal(r.status, 200)
  assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/)
  const samples = new Map<string, number>()
  for (const line of r.text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    assert.ok(m, `a sample line: ${line}`)
    const labels = [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => `${x[1]}=${x[2]}`).sort()
    samples.set(`${m[1]}{${labels.join(',')}}`, Number(m[3]))
  }
  return {
    text: r.text,
    sample: (name, labels = {}) => samples.get(`${name}{${Object.entries(labels).map(([k, v]) => `${k}=${v}`).sort().join(',')}}`),
  }
}

before(async () => {
  await registerTestImage(indexPath, 'test/echo:latest', {mode: 'http', run: `${process.execPath} upstream.cjs`, port_env: 'http_port'})
})

after(async () => {
  await Promise.all(gateways.map((g) => g.close()))
  fs.rmSync(root, {recursive: true, force: true})
})

describe('metrics port', () => {
  let gw: EmbeddedGateway
  before(async () => {
    gw = await gateway({metricsPort: 0})
    assert.equal((await deploy(gw, 'echo')).status, 202)
  })

  test("OpenFaaS's four gateway metrics, with their types, labels and buckets", async () => {
    for (let i = 0; i < 3; i++) assert.equal((await request(`${gw.url}/function/echo`, {method: 'POST', body: 'x'})).status, 200)
    assert.equal((await request(`${gw.url}/function/echo.openfaas-fn/status/500`)).status, 500)
    assert.equal((await request(`${gw.url}/function/echo/sleep/30`)).status, 200)
    const {text, sample} = await scrape(gw)
    assert.match(text, /^# TYPE gateway_function_invocation_started counter$/m)
    assert.match(text, /^# TYPE gateway_function_invocation_total counter$/m)
    assert.match(text, /^# TYPE gateway_functions_seconds histogram$/m)
    assert.match(text, /^# TYPE gateway_service_count gauge$/m)
    const fn = {function_name: 'echo.openfaas-fn'}
    assert.equal(sample('gateway_function_invocation_started', fn), 5)
    assert.equal(sample('gateway_function_invocation_total', {...fn, code: '200'}), 4)
    assert.equal(sample('gateway_function_invocation_total', {...fn, code: '500'}), 1)
    assert.equal(sample('gateway_functions_seconds_count', {...fn, code: '200'}), 4)
    assert.ok(sample('gateway_functions_seconds_sum', {...fn, code: '200'})! >= 0.03, 'the 30 ms call is in the sum (seconds)')
    // the default buckets of Prometheus's client libraries, as OpenFaaS uses them
    const les = [...text.matchAll(/^gateway_functions_seconds_bucket\{le="([^"]+)",function_name="echo\.openfaas-fn",code="500"\}/gm)].map((m) => m[1])
    assert.deepEqual(les, ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'])
    assert.ok(sample('gateway_functions_seconds_bucket', {...fn, code: '200', le: '0.025'})! < 4, 'the 30 ms call is above 25 ms')
    assert.equal(sample('gateway_functions_seconds_bucket', {...fn, code: '200', le: '+Inf'}), 4)
    assert.equal(sample('gateway_service_count', fn), 1)
    assert.match(text, /^process_cpu_seconds_total /m, 'process metrics too, as the Go gateway has')
  })

  test('`faas list` invocation counts agree with the counters; unknown functions are not counted', async () => {
    await request(`${gw.url}/function/nothing-here`)
    await request(`${gw.url}/function/echo`, {method: 'DELETE'})
    const {text, sample} = await scrape(gw)
    assert.doesNotMatch(text, /nothing-here/)
    const listed = json(await request(`${gw.url}/system/functions`)).find((f: {name: string}) => f.name === 'echo')
    let total = 0
    for (const m of text.matchAll(/^gateway_function_invocation_total\{function_name="echo\.openfaas-fn",code="\d+"\} (\d+)$/gm)) total += Number(m[1])
    assert.equal(listed.invocationCount, total)
    assert.equal(total, 6)
    assert.equal(sample('gateway_function_invocation_total', {function_name: 'echo.openfaas-fn', code: '200'}), 5)
  })

  test('gateway_service_count follows scaling and namespaces; a removed function leaves no series', async () => {
    assert.equal((await request(`${gw.url}/system/namespace/`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({name: 'team'})})).status, 201)
    assert.equal((await deploy(gw, 'other', 'team')).status, 202)
    await request(`${gw.url}/function/other.team`)
    assert.equal((await request(`${gw.url}/system/scale-function/echo`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({serviceName: 'echo', replicas: 2})})).status, 200)
    let s = await scrape(gw)
    assert.equal(s.sample('gateway_service_count', {function_name: 'echo.openfaas-fn'}), 2)
    assert.equal(s.sample('gateway_service_count', {function_name: 'other.team'}), 1)
    assert.equal(s.sample('gateway_function_invocation_total', {function_name: 'other.team', code: '200'}), 1)

    const del = await request(`${gw.url}/system/functions?namespace=team`, {method: 'DELETE', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({functionName: 'other'})})
    assert.equal(del.status, 200, del.text)
    s = await scrape(gw)
    assert.doesNotMatch(s.text, /other\.team/)
    // deployed again: counts start again, as its invocationCount does
    assert.equal((await deploy(gw, 'other', 'team')).status, 202)
    await request(`${gw.url}/function/other.team`)
    s = await scrape(gw)
    assert.equal(s.sample('gateway_function_invocation_total', {function_name: 'other.team', code: '200'}), 1)
    assert.equal(json(await request(`${gw.url}/system/function/other?namespace=team`)).invocationCount, 1)
  })

  test('only /metrics and /healthz; the Host/Origin rules apply; no credentials needed', async () => {
    const base = `http://127.0.0.1:${gw.metricsPort}`
    assert.equal((await request(`${base}/healthz`)).status, 200)
    assert.equal((await request(`${base}/system/functions`)).status, 404)
    assert.equal((await request(`${base}/metrics`, {method: 'POST', body: 'x'})).status, 405)
    assert.equal((await request(`${base}/metrics`, {headers: {Host: 'evil.example'}})).status, 403, 'DNS rebinding')
    assert.equal((await request(`${base}/metrics`, {headers: {Origin: 'http://evil.example'}})).status, 403)
  })
})

describe('metrics off', () => {
  test('without metricsPort there is no metrics port, and list still counts', async () => {
    const gw = await gateway()
    assert.equal(gw.metricsPort, undefined)
    assert.equal((await deploy(gw, 'echo')).status, 202)
    await request(`${gw.url}/function/echo`)
    assert.equal(json(await request(`${gw.url}/system/functions`))[0].invocationCount, 1)
  })

  test('a taken metrics port fails the start, unless it may be left out', async () => {
    const first = await gateway({metricsPort: 0})
    await assert.rejects(gateway({metricsPort: first.metricsPort}), (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE')
    const events: string[] = []
    const second = await gateway({metricsPort: first.metricsPort, metricsPortOptional: true, onEvent: (m) => events.push(m)})
    assert.equal(second.metricsPort, undefined)
    assert.match(events.join('\n'), /metrics are off: port \d+ is in use/)
    assert.equal((await request(`${second.url}/healthz`)).status, 200)
  })
})
