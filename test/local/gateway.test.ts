import assert from 'node:assert/strict'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {type EmbeddedGateway, startGateway} from '../../src/local/gateway/server.js'
import {json, registerTestImage, request, tempDir, waitFor} from './helpers.js'

const root = tempDir('faas-gw-test-')
const indexPath = path.join(root, 'images', 'index.json')
const node = process.execPath
const gateways: EmbeddedGateway[] = []

async function gateway(opts: Parameters<typeof startGateway>[0] = {}): Promise<EmbeddedGateway> {
  const gw = await startGateway({port: 0, dataDir: path.join(root, `data-${gateways.length}`), imageIndexPath: indexPath, version: 'test', ...opts})
  gateways.push(gw)
  return gw
}

function deployBody(service: string, image: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({service, image, labels: {}, annotations: {}, ...extra})
}

async function deploy(gw: EmbeddedGateway, service: string, image: string, extra: Record<string, unknown> = {}, method = 'POST') {
  return request(`${gw.url}/system/functions`, {method, body: deployBody(service, image, extra), headers: {'Content-Type': 'application/json'}})
}

before(async () => {
  await registerTestImage(indexPath, 'test/echo', {mode: 'http', run: `${node} upstream.cjs`, port_env: 'http_port'})
  await registerTestImage(indexPath, 'test/cat:latest', {mode: 'classic', run: 'cat'})
  await registerTestImage(indexPath, 'test/env:latest', {mode: 'classic', run: `${node} env.cjs`})
  await registerTestImage(indexPath, 'test/tmpl:latest', {mode: 'classic', run: `${node} env.cjs`, image_fprocess: 'python index.py'})
  await registerTestImage(indexPath, 'test/slow:latest', {mode: 'http', run: `${node} upstream.cjs`, port_env: 'http_port', environment: {exec_timeout: '300ms'}})
})

after(async () => {
  await Promise.all(gateways.map((g) => g.close()))
  fs.rmSync(root, {recursive: true, force: true})
})

describe('provider API', () => {
  let gw: EmbeddedGateway
  before(async () => {
    gw = await gateway()
  })

  test('deploy → invoke → list → describe → scale → delete', async () => {
    assert.equal((await deploy(gw, 'echo', 'test/echo:latest')).status, 202)
    assert.equal((await deploy(gw, 'echo', 'test/echo:latest')).status, 400, 'POST of an existing function')
    assert.equal((await deploy(gw, 'nope', 'test/echo:latest', {}, 'PUT')).status, 404, 'PUT of an unknown function → 404 so faas-cli falls back to POST')

    const r = await request(`${gw.url}/function/echo/echo/sub?x=1&x=2`, {method: 'POST', body: 'hello'})
    assert.equal(r.status, 200)
    const seen = json(r)
    assert.equal(seen.url, '/echo/sub?x=1&x=2', '/function/<name> is stripped, the raw query kept')
    assert.equal(Buffer.from(seen.body, 'base64').toString(), 'hello')
    assert.match(seen.headers['x-call-id'], /^[0-9a-f-]{36}$/)
    assert.match(seen.headers['x-start-time'], /^\d{19}$/)
    assert.match(seen.headers['x-forwarded-for'], /^127\.0\.0\.1:\d+$/)
    assert.ok(seen.headers['x-forwarded-host'])
    assert.equal(r.headers['x-call-id'], seen.headers['x-call-id'], 'a generated call id is echoed')
    assert.equal(r.headers['x-served-by'], 'openfaas-ce/test')
    assert.ok(r.headers['x-start-time'])
    assert.ok(r.headers['x-duration-seconds'])

    const own = await request(`${gw.url}/function/echo.openfaas-fn/echo`, {headers: {'X-Call-Id': 'mine'}})
    assert.equal(json(own).headers['x-call-id'], 'mine')
    assert.equal(own.headers['x-call-id'], undefined, 'X-Call-Id is echoed only when generated')

    const list = json(await request(`${gw.url}/system/functions`))
    assert.equal(list.length, 1)
    assert.equal(list[0].name, 'echo')
    assert.equal(list[0].image, 'test/echo:latest')
    assert.equal(list[0].namespace, 'openfaas-fn')
    assert.equal(list[0].invocationCount, 2)
    assert.equal(list[0].replicas, 1)
    assert.match(list[0].createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    assert.deepEqual(list[0].labels, {})

    const desc = json(await request(`${gw.url}/system/function/echo?namespace=openfaas-fn&usage=1`))
    assert.equal(desc.availableReplicas, 1)
    assert.equal((await request(`${gw.url}/system/function/missing`)).status, 404)

    const scale = (n: number) =>
      request(`${gw.url}/system/scale-function/echo?namespace=openfaas-fn`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({serviceName: 'echo', replicas: n, namespace: 'openfaas-fn'})})
    assert.equal((await scale(3)).status, 200)
    await waitFor(async () => json(await request(`${gw.url}/system/function/echo`)).availableReplicas === 3, 5000, '3 ready replicas')
    const pids = new Set<string>()
    for (let i = 0; i < 9; i++) pids.add((await request(`${gw.url}/function/echo/pid`)).text)
    assert.equal(pids.size, 3, 'three processes, round-robin')
    assert.equal(json(await request(`${gw.url}/system/function/echo`)).replicas, 3)

    assert.equal((await scale(0)).status, 200)
    const zero = json(await request(`${gw.url}/system/function/echo`))
    assert.equal(zero.replicas, undefined, 'replicas: 0 is omitted')
    assert.equal(zero.availableReplicas, undefined)
    const cold = await request(`${gw.url}/function/echo/pid`)
    assert.equal(cold.status, 200, 'the next call starts a process')
    assert.ok(!pids.has(cold.text))
    assert.equal(json(await request(`${gw.url}/system/function/echo`)).replicas, 1)
    assert.equal((await scale(-1)).status, 400)

    const del = () => request(`${gw.url}/system/functions`, {method: 'DELETE', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({functionName: 'echo', namespace: 'openfaas-fn'})})
    assert.equal((await del()).status, 200)
    assert.equal((await del()).status, 404)
    const gone = await request(`${gw.url}/function/echo/pid`)
    assert.equal(gone.status, 404)
    assert.match(gone.text, /error finding function echo\.openfaas-fn/)
  })

  test('deploy errors: unknown image, bad JSON, bad name', async () => {
    const r = await deploy(gw, 'x', 'nobody/built-this:1.0')
    assert.equal(r.status, 400)
    assert.match(r.text, /not found in the local image index/)
    assert.equal((await request(`${gw.url}/system/functions`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{'})).status, 400)
    assert.equal((await deploy(gw, 'a.b', 'test/echo:latest')).status, 400)
    assert.equal((await request(`${gw.url}/system/functions`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({image: 'test/echo'})})).status, 400)
  })

  test('secrets: create, list, conflict, invalid names, read by the function, update, delete', async () => {
    const secret = (method: string, body: unknown) => request(`${gw.url}/system/secrets`, {method, headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
    assert.equal((await secret('POST', {name: 'api-key', value: 'v1'})).status, 201)
    assert.equal((await secret('POST', {name: 'api-key', value: 'v1'})).status, 409)
    assert.equal((await secret('POST', {name: 'raw', rawValue: Buffer.from([0, 1, 2]).toString('base64')})).status, 201)
    assert.equal((await secret('POST', {name: '../x', value: 'v'})).status, 400)
    assert.equal((await secret('POST', {name: 'a/b', value: 'v'})).status, 400)
    assert.equal((await secret('POST', {name: '', value: 'v'})).status, 400)
    assert.equal((await secret('PUT', {name: 'unknown', value: 'v'})).status, 404)
    const list = json(await request(`${gw.url}/system/secrets`))
    assert.deepEqual(list, [{name: 'api-key', namespace: 'openfaas-fn'}, {name: 'raw', namespace: 'openfaas-fn'}])
    assert.ok(!JSON.stringify(list).includes('v1'), 'values are never listed')

    const missing = await deploy(gw, 'sec', 'test/echo', {secrets: ['nope']})
    assert.equal(missing.status, 400)
    assert.equal(missing.text, 'unable to find secret: nope\n')
    assert.equal((await deploy(gw, 'sec', 'test/echo', {secrets: ['api-key', 'raw']})).status, 202)
    assert.equal((await request(`${gw.url}/function/sec/secret/api-key`)).text, 'v1')
    assert.deepEqual((await request(`${gw.url}/function/sec/secret/raw`)).body, Buffer.from([0, 1, 2]))
    const secretsPath = path.join(gw.dataDir, 'run', 'openfaas-fn', 'sec', 'secrets')
    const seenPath = json(await request(`${gw.url}/function/sec/echo`)).env.SECRETS
    assert.equal(seenPath, gw.sandbox.kind === 'bubblewrap' ? '/var/openfaas/secrets' : secretsPath, 'where the function finds its secrets')
    assert.equal(fs.statSync(secretsPath).mode & 0o777, 0o700)
    assert.deepEqual(fs.readdirSync(secretsPath).sort(), ['api-key', 'raw'])
    const stored = path.join(gw.dataDir, 'secrets', 'openfaas-fn', 'api-key')
    assert.equal(fs.statSync(stored).mode & 0o777, 0o600)

    assert.equal((await secret('PUT', {name: 'api-key', value: 'v2'})).status, 200)
    assert.equal((await request(`${gw.url}/function/sec/secret/api-key`)).text, 'v2')
    assert.equal((await secret('DELETE', {name: 'api-key'})).status, 200)
    assert.equal((await secret('DELETE', {name: 'api-key'})).status, 404)
  })

  test('namespaces: create, get, deploy into, invoke as name.ns, remove', async () => {
    const ns = (method: string, p: string, body?: unknown) => request(`${gw.url}/system/namespace/${p}`, {method, headers: {'Content-Type': 'application/json'}, body: body === undefined ? undefined : JSON.stringify(body)})
    assert.equal((await deploy(gw, 'echo', 'test/echo', {namespace: 'dev'})).status, 400, 'unknown namespace')
    assert.equal((await ns('POST', '', {name: 'dev', labels: {openfaas: '1', team: 'a'}, annotations: {openfaas: '1'}})).status, 201)
    assert.equal((await ns('POST', '', {name: 'dev'})).status, 409)
    assert.equal((await ns('POST', '', {name: 'Bad_Name'})).status, 400)
    assert.deepEqual(json(await request(`${gw.url}/system/namespaces`)), ['openfaas-fn', 'dev'].sort((a, b) => (a === 'openfaas-fn' ? -1 : b === 'openfaas-fn' ? 1 : a.localeCompare(b))))
    const got = json(await ns('GET', 'dev'))
    assert.equal(got.name, 'dev')
    assert.equal(got.labels.team, 'a')
    assert.equal((await ns('GET', 'nope')).status, 404)
    assert.equal((await ns('PUT', 'dev', {name: 'dev', labels: {openfaas: '1', team: 'b'}})).status, 202)
    assert.equal(json(await ns('GET', 'dev')).labels.team, 'b')

    assert.equal((await deploy(gw, 'echo', 'test/echo', {namespace: 'dev'})).status, 202)
    assert.equal((await request(`${gw.url}/function/echo.dev/status/201`)).status, 201)
    assert.equal((await request(`${gw.url}/function/echo/status/201`)).status, 404, 'not in the default namespace')
    assert.equal(json(await request(`${gw.url}/system/functions?namespace=dev`)).length, 1)
    assert.equal((await request(`${gw.url}/system/functions?namespace=nope`)).status, 400)
    assert.equal((await ns('DELETE', 'openfaas-fn')).status, 400)
    assert.equal((await ns('DELETE', 'dev')).status, 202)
    assert.equal((await request(`${gw.url}/function/echo.dev/status/201`)).status, 404)
    assert.equal((await ns('DELETE', 'dev')).status, 404)
  })

  test('logs: NDJSON, tail, follow, bad parameters', async () => {
    assert.equal((await deploy(gw, 'talker', 'test/echo')).status, 202)
    assert.equal((await request(`${gw.url}/function/talker/log/first`)).text, 'logged')
    const r = await request(`${gw.url}/system/logs?name=talker&namespace=openfaas-fn&tail=-1&follow=false`)
    assert.equal(r.status, 200)
    assert.equal(r.headers['content-type'], 'application/x-ndjson')
    const lines = r.text.trim().split('\n').map((l) => JSON.parse(l))
    const first = lines.find((l) => l.text === 'log line: first')
    assert.ok(first, r.text)
    assert.deepEqual(Object.keys(first), ['name', 'namespace', 'instance', 'timestamp', 'text'])
    assert.equal(first.name, 'talker')
    assert.equal(first.namespace, 'openfaas-fn')
    assert.match(first.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/)
    assert.ok(lines.some((l) => /^starting on \d+$/.test(l.text)), 'stdout of the function process')
    const tail1 = (await request(`${gw.url}/system/logs?name=talker&tail=1`)).text.trim().split('\n')
    assert.equal(tail1.length, 1)
    assert.equal((await request(`${gw.url}/system/logs?name=talker&tail=x`)).status, 422)
    assert.equal((await request(`${gw.url}/system/logs?name=talker&since=yesterday`)).status, 422)
    assert.equal((await request(`${gw.url}/system/logs?name=ghost`)).status, 404)
    const future = new Date(Date.now() + 60_000).toISOString()
    assert.equal((await request(`${gw.url}/system/logs?name=talker&since=${future}`)).text, '')

    // follow: a line logged after the request started arrives on the open stream
    const received: string[] = []
    const followReq = http.get(`${gw.url}/system/logs?name=talker&follow=true&tail=1`)
    const done = new Promise<void>((resolve) => {
      followReq.on('response', (res) => {
        let buf = ''
        res.on('data', (c: Buffer) => {
          buf += c.toString()
          let nl
          while ((nl = buf.indexOf('\n')) !== -1) {
            received.push(JSON.parse(buf.slice(0, nl)).text)
            buf = buf.slice(nl + 1)
          }
          if (received.includes('log line: second')) resolve()
        })
      })
    })
    await waitFor(() => received.length >= 1, 3000, 'backlog line')
    await request(`${gw.url}/function/talker/log/second`)
    await done
    followReq.destroy()
    assert.ok(received.includes('log line: second'))
  })

  test('routes: path cleaning, decoding, methods, unknown routes, info, healthz', async () => {
    assert.equal((await deploy(gw, 'paths', 'test/echo')).status, 202)
    const dbl = await request(`${gw.url}/function/paths//echo?q=1`)
    assert.equal(dbl.status, 301)
    assert.equal(dbl.headers.location, '/function/paths/echo?q=1')
    const enc = json(await request(`${gw.url}/function/paths/echo/a%2Fb%20c`))
    assert.equal(enc.url, '/echo/a/b%20c', 'the path is forwarded decoded')
    assert.equal((await request(`${gw.url}/function/paths`, {method: 'POST', body: 'root'})).text, 'root')
    assert.equal((await request(`${gw.url}/function/paths/`, {method: 'POST', body: 'root/'})).text, 'root/')
    assert.equal((await request(`${gw.url}/function/paths/echo`, {method: 'TRACE'})).status, 405)
    const noType = await request(`${gw.url}/function/paths/nocontenttype`)
    assert.equal(noType.headers['content-type'], 'text/plain', 'missing Content-Type → text/plain')
    assert.equal((await request(`${gw.url}/nothing`)).status, 404)
    assert.equal((await request(`${gw.url}/nothing`)).text, '404 page not found\n')
    const root = await request(`${gw.url}/`)
    assert.equal(root.status, 307)
    assert.equal(root.headers.location, '/ui/')
    assert.equal((await request(`${gw.url}/healthz`)).status, 200)
    const info = json(await request(`${gw.url}/system/info`))
    assert.equal(info.provider.provider, 'faas-local')
    assert.equal(info.version.release, 'test')
    assert.ok(info.arch)
  })

  test("envProcess equal to the template's container fprocess runs the host command; another one replaces it", async () => {
    assert.equal((await deploy(gw, 'tmpl', 'test/tmpl', {envProcess: 'python index.py'})).status, 202)
    const r = await request(`${gw.url}/function/tmpl`)
    assert.equal(r.status, 200)
    assert.equal(json(r).Http_Method, 'GET')
    assert.equal((await deploy(gw, 'tmpl', 'test/tmpl', {envProcess: 'cat'}, 'PUT')).status, 200)
    assert.equal((await request(`${gw.url}/function/tmpl`, {method: 'POST', body: 'as cat'})).text, 'as cat')
    const desc = json(await request(`${gw.url}/system/function/tmpl`))
    assert.equal(desc.envProcess, 'cat')
  })

  test('fork-mode functions get Http_* with the stripped path and raw query', async () => {
    assert.equal((await deploy(gw, 'env', 'test/env')).status, 202)
    const env = json(await request(`${gw.url}/function/env/some/path?a=1&a=2`, {method: 'POST', body: 'xyz', headers: {'X-Api-Key': 'k'}}))
    assert.equal(env.Http_Path, '/some/path')
    assert.equal(env.Http_Query, 'a=1&a=2')
    assert.equal(env.Http_X_Api_Key, 'k')
    assert.match(env.Http_X_Call_Id, /^[0-9a-f-]{36}$/)
    assert.equal(env.bodyLength, 3)
    assert.equal(json(await request(`${gw.url}/function/env`)).Http_Path, '/')
    assert.equal(json(await request(`${gw.url}/function/env/`)).Http_Path, '/')
    assert.equal((await deploy(gw, 'cat', 'test/cat')).status, 202)
    const bin = Buffer.from([0, 255, 1, 254, 0, 10])
    const r = await request(`${gw.url}/function/cat`, {method: 'POST', body: bin, headers: {'Content-Type': 'application/octet-stream'}})
    assert.deepEqual(r.body, bin)
  })
})

describe('isolation', () => {
  let gw: EmbeddedGateway
  before(async () => {
    gw = await gateway({maxRequestBodyBytes: 10_000})
    assert.equal((await deploy(gw, 'crashy', 'test/echo')).status, 202)
    assert.equal((await deploy(gw, 'steady', 'test/echo')).status, 202)
    assert.equal((await deploy(gw, 'slow', 'test/slow')).status, 202)
  })

  test('a crash gives 502 with a clear body, the process restarts, other functions carry on', async () => {
    const before = (await request(`${gw.url}/function/crashy/pid`)).text
    const r = await request(`${gw.url}/function/crashy/crash`)
    assert.equal(r.status, 502)
    assert.match(r.text, /function crashy\.openfaas-fn crashed while handling the request \(exit code 1\); it is being restarted\.\nLast output:\n/)
    assert.match(r.text, /about to crash/, 'the last output is included')
    assert.equal((await request(`${gw.url}/function/steady/status/200`)).status, 200)
    const after = await request(`${gw.url}/function/crashy/pid`)
    assert.equal(after.status, 200)
    assert.notEqual(after.text, before, 'a new process')
    const logs = (await request(`${gw.url}/system/logs?name=crashy`)).text
    assert.match(logs, /restarting/)
    const ports = [...logs.matchAll(/starting on (\d+)/g)].map((m) => m[1])
    assert.equal(ports.length, 2)
    assert.notEqual(ports[0], ports[1], 'a restarted process gets a fresh port')
  })

  test('a hanging call hits exec_timeout: 504, and the function still answers', async () => {
    const r = await request(`${gw.url}/function/slow/sleep/3000`)
    assert.equal(r.status, 504)
    assert.match(r.text, /did not answer within exec_timeout \(300ms\)/, 'the timeout as it was written, not 0.300000s')
    assert.equal((await request(`${gw.url}/function/slow/sleep/10`)).status, 200)
    assert.equal((await request(`${gw.url}/function/steady/status/200`)).status, 200)
  })

  test('bodies over the limit get 413; the function may raise its own limit', async () => {
    const big = Buffer.alloc(20_000, 97)
    const r = await request(`${gw.url}/function/steady/echo`, {method: 'POST', body: big})
    assert.equal(r.status, 413)
    assert.match(r.text, /request body too large/)
    assert.equal((await request(`${gw.url}/function/steady/echo`, {method: 'POST', body: 'small'})).status, 200)
    assert.equal((await deploy(gw, 'steady', 'test/echo', {envVars: {max_request_body: '1Mi'}}, 'PUT')).status, 200)
    const ok = await request(`${gw.url}/function/steady/echo`, {method: 'POST', body: big})
    assert.equal(ok.status, 200)
    assert.equal(Buffer.from(json(ok).body, 'base64').length, big.length)
  })
})

test('deployed functions survive a gateway restart', async () => {
  const dataDir = path.join(root, 'persist')
  const first = await startGateway({port: 0, dataDir, imageIndexPath: indexPath})
  assert.equal((await deploy(first, 'keep', 'test/echo', {envVars: {FOO: 'bar'}})).status, 202)
  await request(`${first.url}/system/scale-function/keep`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({serviceName: 'keep', replicas: 2})})
  await request(`${first.url}/system/secrets`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({name: 's1', value: 'x'})})
  await first.close()
  const second = await gateway({dataDir})
  await second.restored
  const list = json(await request(`${second.url}/system/functions`))
  assert.equal(list.length, 1)
  assert.equal(list[0].name, 'keep')
  assert.equal(list[0].replicas, 2)
  assert.deepEqual(list[0].envVars, {FOO: 'bar'})
  const r = await request(`${second.url}/function/keep/echo`)
  assert.equal(r.status, 200)
  assert.equal(json(r).env.FOO, 'bar')
  assert.deepEqual(json(await request(`${second.url}/system/secrets`)), [{name: 's1', namespace: 'openfaas-fn'}])
})

test('basic auth protects /system/* only', async () => {
  const gw = await gateway({basicAuth: {user: 'admin', password: 's3cret'}})
  const denied = await request(`${gw.url}/system/functions`)
  assert.equal(denied.status, 401)
  assert.equal(denied.headers['www-authenticate'], 'Basic realm="Restricted"')
  assert.equal(denied.text, 'invalid credentials')
  const wrong = await request(`${gw.url}/system/functions`, {headers: {Authorization: 'Basic ' + Buffer.from('admin:nope').toString('base64')}})
  assert.equal(wrong.status, 401)
  const auth = {Authorization: 'Basic ' + Buffer.from('admin:s3cret').toString('base64')}
  assert.equal((await request(`${gw.url}/system/functions`, {headers: auth})).status, 200)
  assert.equal((await request(`${gw.url}/healthz`)).status, 200)
  const dep = await request(`${gw.url}/system/functions`, {method: 'POST', headers: {...auth, 'Content-Type': 'application/json'}, body: deployBody('open', 'test/echo')})
  assert.equal(dep.status, 202)
  assert.equal((await request(`${gw.url}/function/open/status/200`)).status, 200, 'function routes stay open')
})

test('async calls: 202 with a call id, then the result is POSTed to X-Callback-Url', async () => {
  const gw = await gateway()
  assert.equal((await deploy(gw, 'aecho', 'test/echo')).status, 202)
  const callbacks: Array<{headers: http.IncomingHttpHeaders; body: string; method: string}> = []
  const receiver = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      callbacks.push({headers: req.headers, body, method: req.method!})
      res.end()
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()))
  const cb = `http://127.0.0.1:${(receiver.address() as {port: number}).port}/done`
  try {
    const r = await request(`${gw.url}/async-function/aecho/echo?x=1`, {method: 'POST', body: 'payload', headers: {'X-Callback-Url': cb}})
    assert.equal(r.status, 202)
    assert.equal(r.body.length, 0)
    const callId = r.headers['x-call-id'] as string
    assert.match(callId, /^[0-9a-f-]{36}$/)
    assert.ok(r.headers['x-start-time'])
    await waitFor(() => callbacks.length === 1, 5000, 'callback')
    const c = callbacks[0]
    assert.equal(c.method, 'POST')
    assert.equal(c.headers['x-function-status'], '200')
    assert.equal(c.headers['x-function-name'], 'aecho')
    assert.equal(c.headers['x-call-id'], callId)
    assert.match(String(c.headers['x-duration-seconds']), /^\d+\.\d{6}$/)
    const seen = JSON.parse(c.body)
    assert.equal(seen.method, 'POST')
    assert.equal(seen.url, '/echo?x=1')
    assert.equal(Buffer.from(seen.body, 'base64').toString(), 'payload')
    assert.equal(seen.headers['user-agent'], 'openfaas-ce/nats-queue-worker')

    const unknown = await request(`${gw.url}/async-function/ghost`, {method: 'POST', body: 'x', headers: {'X-Callback-Url': cb}})
    assert.equal(unknown.status, 202, 'existence is not checked when queuing')
    await waitFor(() => callbacks.length === 2, 5000, 'second callback')
    assert.equal(callbacks[1].headers['x-function-status'], '404')

    assert.equal((await request(`${gw.url}/async-function/aecho`, {method: 'GET'})).status, 405)
    assert.equal((await request(`${gw.url}/async-function/aecho`, {method: 'POST', body: 'x', headers: {'X-Callback-Url': 'not a url'}})).status, 400)
    const big = await request(`${gw.url}/async-function/aecho`, {method: 'POST', body: Buffer.alloc(256_001)})
    assert.equal(big.status, 500)
    assert.match(big.text, /^Error queuing request: request body too large/)
  } finally {
    receiver.close()
  }
})

test('one gateway per data directory', async () => {
  const dataDir = path.join(root, 'claimed')
  fs.mkdirSync(dataDir, {recursive: true})
  fs.writeFileSync(path.join(dataDir, 'gateway.pid'), String(process.ppid))
  await assert.rejects(startGateway({port: 0, dataDir, imageIndexPath: indexPath}), /another faas gateway \(pid \d+\) is using/)
  fs.writeFileSync(path.join(dataDir, 'gateway.pid'), '999999999')
  const gw = await startGateway({port: 0, dataDir, imageIndexPath: indexPath})
  assert.equal(fs.readFileSync(path.join(dataDir, 'gateway.pid'), 'utf8').trim(), String(process.pid))
  await gw.close()
  assert.ok(!fs.existsSync(path.join(dataDir, 'gateway.pid')))
})

test('a function whose build folder vanished says so', async () => {
  const dir = await registerTestImage(indexPath, 'test/vanish:latest', {mode: 'classic', run: 'cat'})
  const gw = await gateway()
  assert.equal((await deploy(gw, 'vanish', 'test/vanish')).status, 202)
  fs.rmSync(dir, {recursive: true, force: true})
  const r = await request(`${gw.url}/function/vanish`, {method: 'POST', body: 'x'})
  assert.equal(r.status, 500)
  assert.match(r.text, /the function's working directory does not exist/)
  assert.ok(!r.text.includes(dir), 'no host path in the answer')
})

test('--basic-auth without a password generates one and keeps it (0600) in the data dir', async () => {
  const {gatewayPassword} = await import('../../src/local/gateway/run.js')
  const dataDir = path.join(root, 'pw')
  const first = await gatewayPassword(dataDir)
  assert.equal(first.generated, true)
  assert.ok(first.password.length >= 20)
  assert.equal(fs.statSync(path.join(dataDir, 'basic-auth-password')).mode & 0o777, 0o600)
  const second = await gatewayPassword(dataDir)
  assert.equal(second.generated, false)
  assert.equal(second.password, first.password)
  assert.equal((await gatewayPassword(dataDir, 'given')).password, 'given')
})
