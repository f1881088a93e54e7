// Event connectors against the embedded gateway: a connector written for OpenFaaS (it lists
// namespaces and functions with basic auth and calls /function/<name>.<ns> and
// /async-function/<name>.<ns>) works unchanged; our POST /system/topic/<topic> publishes one
// event to every subscribed function, bounded; cron through the async route (--cron-async).
import assert from 'node:assert/strict'
import fs from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'

import {type EmbeddedGateway, startGateway} from '../../src/local/gateway/server.js'
import {json, registerTestImage, request, tempDir, waitFor, writeFile} from './helpers.js'

const root = tempDir('faas-connectors-test-')
const indexPath = path.join(root, 'images', 'index.json')
const gateways: EmbeddedGateway[] = []
const credentials = {user: 'admin', password: 'connector-secret'}
const authHeader = 'Basic ' + Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')

async function gateway(opts: Parameters<typeof startGateway>[0] = {}): Promise<EmbeddedGateway> {
  const gw = await startGateway({port: 0, dataDir: path.join(root, `data-${gateways.length}`), imageIndexPath: indexPath, version: 'test', basicAuth: credentials, ...opts})
  gateways.push(gw)
  return gw
}

const jsonHeaders = {'Content-Type': 'application/json', Authorization: authHeader}

async function deploy(gw: EmbeddedGateway, service: string, annotations: Record<string, string>, namespace?: string, image = 'test/echo:latest') {
  const r = await request(`${gw.url}/system/functions`, {method: 'POST', headers: jsonHeaders, body: JSON.stringify({service, image, namespace, labels: {}, annotations})})
  assert.equal(r.status, 202, r.text)
}

async function createNamespace(gw: EmbeddedGateway, name: string) {
  assert.equal((await request(`${gw.url}/system/namespace/`, {method: 'POST', headers: jsonHeaders, body: JSON.stringify({name})})).status, 201)
}

/** An http-mode function that answers with the request it got, as JSON. */
const REQUEST_SCRIPT = `
require('node:http').createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => res.end(JSON.stringify({method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString()})))
}).listen(Number(process.env.http_port), '127.0.0.1')
`

before(async () => {
  await registerTestImage(indexPath, 'test/echo', {mode: 'http', run: `${process.execPath} upstream.cjs`, port_env: 'http_port'})
  const dir = await registerTestImage(indexPath, 'test/request', {mode: 'http', run: `${process.execPath} request.cjs`, port_env: 'http_port'})
  writeFile(dir, 'request.cjs', REQUEST_SCRIPT)
  // answers slowly, a piece every 100 ms for 3 s
  writeFile(dir, 'trickle.cjs', `require('node:http').createServer((q, s) => { let n = 0; const t = setInterval(() => { s.write('.'); if (++n === 30) { clearInterval(t); s.end() } }, 100) }).listen(Number(process.env.http_port), '127.0.0.1')`)
  await registerTestImage(indexPath, 'test/trickle', {mode: 'http', run: `${process.execPath} trickle.cjs`, port_env: 'http_port', dir})
})

after(async () => {
  await Promise.all(gateways.map((g) => g.close()))
  fs.rmSync(root, {recursive: true, force: true})
})

/**
 * A connector as connector-sdk builds one: GET /system/namespaces, GET /system/functions per
 * namespace (basic auth), a map of topic → name.namespace from the comma-separated `topic`
 * annotation, then a POST per subscribed function with Content-Type, X-Topic, X-Connector and
 * User-Agent — through plain HTTP, knowing nothing of this gateway.
 */
async function outsideConnector(gatewayUrl: string, topic: string, message: string, asyncRoute: boolean) {
  const get = async (p: string) => {
    const r = await request(gatewayUrl + p, {headers: {Authorization: authHeader}})
    assert.equal(r.status, 200, `${p}: ${r.text}`)
    return json(r)
  }
  const topicMap = new Map<string, string[]>()
  for (const ns of (await get('/system/namespaces')) as string[]) {
    for (const fn of (await get(`/system/functions?namespace=${ns}`)) as Array<{name: string; annotations?: Record<string, string>}>) {
      for (const t of (fn.annotations?.topic ?? '').split(',')) {
        const key = t.trim()
        if (key) topicMap.set(key, [...(topicMap.get(key) ?? []), `${fn.name}.${ns}`])
      }
    }
  }
  const route = asyncRoute ? 'async-function' : 'function'
  const results: Array<{fn: string; status: number; text: string}> = []
  for (const fn of topicMap.get(topic) ?? []) {
    const r = await request(`${gatewayUrl}/${route}/${fn}/echo`, {
      method: 'POST',
      headers: {'Content-Type': 'text/plain', 'User-Agent': 'openfaasltd/timer-connector', 'X-Connector': 'connector-sdk', 'X-Topic': topic},
      body: message,
    })
    results.push({fn, status: r.status, text: r.text})
  }
  return results
}

describe('a connector written for OpenFaaS', () => {
  let gw: EmbeddedGateway
  let callbackUrl: string
  const callbacks: Array<{headers: http.IncomingHttpHeaders; body: string}> = []
  let callbackServer: http.Server
  before(async () => {
    gw = await gateway()
    await createNamespace(gw, 'staging')
    await deploy(gw, 'payments', {topic: 'payment.received'})
    await deploy(gw, 'audit', {topic: 'payment.received, user.created'}, 'staging')
    await deploy(gw, 'other', {topic: 'user.created'})
    callbackServer = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c) => chunks.push(c))
      req.on('end', () => {
        callbacks.push({headers: req.headers, body: Buffer.concat(chunks).toString()})
        res.end()
      })
    })
    await new Promise<void>((r) => callbackServer.listen(0, '127.0.0.1', r))
    callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/done`
  })
  after(() => new Promise<void>((r) => callbackServer.close(() => r())))

  test('lists namespaces and functions with basic auth, then calls /function/<name>.<ns> unchanged', async () => {
    assert.equal((await request(`${gw.url}/system/functions`)).status, 401, 'the listing needs the credentials, as in OpenFaaS')
    const results = await outsideConnector(gw.url, 'payment.received', 'paid 42', false)
    assert.deepEqual(results.map((r) => [r.fn, r.status]), [['payments.openfaas-fn', 200], ['audit.staging', 200]])
    const seen = JSON.parse(results[0].text)
    assert.equal(Buffer.from(seen.body, 'base64').toString(), 'paid 42')
    assert.equal(seen.headers['x-topic'], 'payment.received')
    assert.equal(seen.headers['x-connector'], 'connector-sdk')
    assert.equal(seen.headers['user-agent'], 'openfaasltd/timer-connector')
    assert.equal(seen.headers['content-type'], 'text/plain')
    const listed = json(await request(`${gw.url}/system/functions?namespace=staging`, {headers: {Authorization: authHeader}}))
    assert.equal(listed[0].invocationCount, 1, 'counted as any call')
  })

  test('and /async-function/<name>.<ns>: 202, then the call runs', async () => {
    const before = json(await request(`${gw.url}/system/functions`, {headers: {Authorization: authHeader}})).find((f: any) => f.name === 'payments').invocationCount
    const results = await outsideConnector(gw.url, 'payment.received', 'paid later', true)
    assert.deepEqual(results.map((r) => r.status), [202, 202])
    await waitFor(async () => json(await request(`${gw.url}/system/functions`, {headers: {Authorization: authHeader}})).find((f: any) => f.name === 'payments').invocationCount === before + 1, 5000, 'the async call')
  })

  test('POST /system/topic/<topic> calls every subscriber, in every namespace, and sums up', async () => {
    const r = await request(`${gw.url}/system/topic/payment.received`, {method: 'POST', headers: {Authorization: authHeader, 'Content-Type': 'text/plain', 'X-Connector': 'my-tool'}, body: 'event body'})
    assert.equal(r.status, 200, r.text)
    assert.equal(r.headers['content-type'], 'application/json')
    const summary = json(r)
    assert.equal(summary.topic, 'payment.received')
    assert.equal(summary.async, false)
    assert.deepEqual(summary.functions.map((f: any) => [f.name, f.namespace, f.status]), [['payments', 'openfaas-fn', 200], ['audit', 'staging', 200]])
    for (const f of summary.functions) {
      assert.match(f.callId, /^[0-9a-f-]{36}$/)
      assert.equal(typeof f.durationSeconds, 'number')
      // the echo function answers the body back with the request's Content-Type
      assert.equal(f.body, 'event body')
    }

    const only = json(await request(`${gw.url}/system/topic/user.created?namespace=staging`, {method: 'POST', headers: {Authorization: authHeader}, body: ''}))
    assert.deepEqual(only.functions.map((f: any) => f.name), ['audit'], '?namespace= narrows it')
    const none = json(await request(`${gw.url}/system/topic/nobody.listens`, {method: 'POST', headers: {Authorization: authHeader}}))
    assert.deepEqual(none.functions, [], 'a topic without subscribers is not an error')
  })

  test('the topic route passes the event on as a connector does: POST /, body, Content-Type, X-Topic, X-Connector', async () => {
    await deploy(gw, 'inspect', {topic: 'inspect'}, undefined, 'test/request:latest')
    const plain = json(await request(`${gw.url}/system/topic/inspect`, {method: 'POST', headers: {Authorization: authHeader, 'Content-Type': 'application/json'}, body: '{"a":1}'}))
    const seen = JSON.parse(plain.functions[0].body)
    assert.equal(seen.method, 'POST')
    assert.equal(seen.url, '/')
    assert.equal(seen.body, '{"a":1}')
    assert.equal(seen.headers['content-type'], 'application/json')
    assert.equal(seen.headers['x-topic'], 'inspect')
    assert.equal(seen.headers['x-connector'], 'faas-topic', 'ours when the caller names none')
    assert.equal(seen.headers.authorization, undefined, 'the gateway\'s credentials are not passed to functions')
    const named = json(await request(`${gw.url}/system/topic/inspect`, {method: 'POST', headers: {Authorization: authHeader, 'X-Connector': 'my-tool', 'User-Agent': 'my-tool/1.0'}, body: 'x'}))
    const seenNamed = JSON.parse(named.functions[0].body)
    assert.equal(seenNamed.headers['x-connector'], 'my-tool')
    assert.equal(seenNamed.headers['user-agent'], 'my-tool/1.0')
  })

  test('?async=true queues one call per subscriber and passes X-Callback-Url on', async () => {
    const r = await request(`${gw.url}/system/topic/payment.received?async=true`, {method: 'POST', headers: {Authorization: authHeader, 'Content-Type': 'text/plain', 'X-Callback-Url': callbackUrl}, body: 'queued'})
    assert.equal(r.status, 200, r.text)
    const summary = json(r)
    assert.equal(summary.async, true)
    assert.deepEqual(summary.functions.map((f: any) => f.status), [202, 202])
    assert.ok(summary.functions.every((f: any) => f.body === undefined))
    await waitFor(() => callbacks.length === 2, 5000, 'two callbacks')
    assert.deepEqual(callbacks.map((c) => c.body).sort(), ['queued', 'queued'])
    assert.deepEqual(callbacks.map((c) => c.headers['x-function-name']).sort(), ['audit.staging', 'payments.openfaas-fn'])
  })

  test('the topic route needs credentials, refuses other methods, bad topics and unknown namespaces', async () => {
    assert.equal((await request(`${gw.url}/system/topic/payment.received`, {method: 'POST', body: 'x'})).status, 401)
    assert.equal((await request(`${gw.url}/system/topic/payment.received`, {headers: {Authorization: authHeader}})).status, 405)
    assert.equal((await request(`${gw.url}/system/topic/`, {method: 'POST', headers: {Authorization: authHeader}})).status, 400)
    assert.equal((await request(`${gw.url}/system/topic/a%2Cb`, {method: 'POST', headers: {Authorization: authHeader}})).status, 400, 'a comma can not be in a topic')
    assert.equal((await request(`${gw.url}/system/topic/a%0Ab`, {method: 'POST', headers: {Authorization: authHeader}})).status, 400)
    assert.equal((await request(`${gw.url}/system/topic/x?namespace=nope`, {method: 'POST', headers: {Authorization: authHeader}})).status, 400)
    // only the topic route takes bodies that are not JSON: other /system writes still refuse them
    const plain = await request(`${gw.url}/system/functions`, {method: 'POST', headers: {Authorization: authHeader, 'Content-Type': 'text/plain'}, body: '{}'})
    assert.equal(plain.status, 403)
    // and a browser on another site is refused before anything runs
    const cross = await request(`${gw.url}/system/topic/payment.received`, {method: 'POST', headers: {Authorization: authHeader, Origin: 'https://evil.example'}, body: 'x'})
    assert.equal(cross.status, 403)
  })
})

describe('bounds of the topic route', () => {
  test('the event body and the fan-out are bounded', async () => {
    const gw = await gateway({limits: {topicBodyBytes: 1000, topicMaxFunctions: 2}})
    for (const name of ['a', 'b', 'c']) await deploy(gw, name, {topic: name === 'c' ? 'wide' : 'wide,narrow'})
    const big = await request(`${gw.url}/system/topic/narrow`, {method: 'POST', headers: {Authorization: authHeader}, body: 'x'.repeat(1001)})
    assert.equal(big.status, 413)
    assert.match(big.text, /larger than 1000 bytes/)
    const ok = await request(`${gw.url}/system/topic/narrow`, {method: 'POST', headers: {Authorization: authHeader}, body: 'x'.repeat(1000)})
    assert.equal(ok.status, 200)
    assert.equal(json(ok).functions.length, 2)
    const wide = await request(`${gw.url}/system/topic/wide`, {method: 'POST', headers: {Authorization: authHeader}, body: 'x'})
    assert.equal(wide.status, 400)
    assert.match(wide.text, /3 subscribers, more than the 2/)
    const counts = json(await request(`${gw.url}/system/functions`, {headers: {Authorization: authHeader}})).map((f: any) => [f.name, f.invocationCount ?? 0])
    assert.deepEqual(counts, [['a', 1], ['b', 1], ['c', 0]], 'a refused event calls nothing')
  })

  test('a call that does not end in connectorCallTimeoutMs is cut and reported (504), however it trickles', async () => {
    const gw = await gateway({limits: {connectorCallTimeoutMs: 500}})
    await deploy(gw, 'slow', {topic: 'slow'}, undefined, 'test/trickle:latest')
    const started = Date.now()
    const r = await request(`${gw.url}/system/topic/slow`, {method: 'POST', headers: {Authorization: authHeader}, body: 'x'})
    assert.equal(r.status, 200)
    const [f] = json(r).functions
    assert.equal(f.status, 504)
    assert.match(f.error, /no whole answer within/)
    assert.ok(Date.now() - started < 2500, `answered after ${Date.now() - started} ms`)
  })
})

describe('cron through the async route (--cron-async)', () => {
  test('each run is queued on /async-function/ with the connector\'s headers', async () => {
    const gw = await gateway({cronAsync: true})
    await deploy(gw, 'tick', {topic: 'cron-function', schedule: '@every 1s'})
    await waitFor(async () => (json(await request(`${gw.url}/system/functions`, {headers: {Authorization: authHeader}}))[0].invocationCount ?? 0) >= 1, 10_000, 'a cron call')
    const logs = await request(`${gw.url}/system/logs?name=tick&follow=false`, {headers: {Authorization: authHeader}})
    const texts = logs.text.trim().split('\n').map((l) => JSON.parse(l).text as string)
    assert.ok(texts.some((t) => /^cron: called \[@every 1s\] \(async\): status 202/.test(t)), texts.join('\n'))
    assert.ok(texts.some((t) => /^async call .* finished with status 200/.test(t)), 'the queue worker ran it')
  })
})
