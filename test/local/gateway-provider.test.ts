// `faas gateway` as the provider of the real OpenFaaS gateway (functions_provider_url): what that
// gateway sends and expects, checked on the embedded gateway with plain requests (the Go gateway
// is not part of CI; the note of issue 12 has the table of runs with it).
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {GatewayClient} from '../../src/gateway/client.js'
import {asGatewayInfo, fetchGatewayInfo, isLocalRuntimeGateway} from '../../src/gateway/info.js'
import {type EmbeddedGateway, startGateway} from '../../src/local/gateway/server.js'
import {versionReport} from '../../src/ui/version.js'
import {startTestGateway, type TestGateway} from '../helpers/gateway.js'
import {json, registerTestImage, request, tempDir} from './helpers.js'

const root = tempDir('faas-gw-provider-test-')
const indexPath = path.join(root, 'images', 'index.json')
const auth = {user: 'admin', password: 'pw'}
const authHeader = `Basic ${Buffer.from('admin:pw').toString('base64')}`
let gw: EmbeddedGateway
const others: TestGateway[] = []

// what the OpenFaaS gateway adds to every request it forwards to its provider
const FORWARDED = {'X-Forwarded-For': '127.0.0.1:51234', 'X-Forwarded-Host': '127.0.0.1:8080'}

before(async () => {
  await registerTestImage(indexPath, 'test/echo:latest', {mode: 'http', run: `${process.execPath} upstream.cjs`, port_env: 'http_port'})
  gw = await startGateway({port: 0, dataDir: path.join(root, 'data'), imageIndexPath: indexPath, version: '1.2.3', basicAuth: auth, sandbox: 'none'})
  const r = await request(`${gw.url}/system/functions`, {
    method: 'POST',
    headers: {'Content-Type': 'application/json', Authorization: authHeader},
    body: JSON.stringify({service: 'echo', image: 'test/echo:latest'}),
  })
  assert.equal(r.status, 202, r.text)
})

after(async () => {
  await Promise.all(others.map((o) => o.close()))
  await gw.close()
  fs.rmSync(root, {recursive: true, force: true})
})

describe('/system/info in both roles', () => {
  test('asked directly: the gateway shape, naming the local provider', async () => {
    const r = await request(`${gw.url}/system/info`, {headers: {Authorization: authHeader}})
    assert.equal(r.status, 200)
    const info = json(r)
    assert.deepEqual(info.provider, {provider: 'faas-local', orchestration: 'host-processes', version: {sha: 'local', release: '1.2.3'}})
    assert.equal(info.version.release, '1.2.3')
    assert.equal(typeof info.arch, 'string')
  })

  test("forwarded by the OpenFaaS gateway: faas-provider's ProviderInfo, whose provider is a name", async () => {
    const variants: Array<Record<string, string>> = [FORWARDED, {'X-Forwarded-For': '127.0.0.1:1'}, {'X-Forwarded-Host': 'gw:8080'}]
    for (const headers of variants) {
      const r = await request(`${gw.url}/system/info`, {headers: {...headers, Authorization: authHeader}})
      assert.equal(r.status, 200)
      // exactly the keys of ProviderInfo: the Go gateway unmarshals `provider` into a string
      assert.deepEqual(json(r), {provider: 'faas-local', orchestration: 'host-processes', version: {sha: 'local', release: '1.2.3'}})
    }
  })

  test('still behind basic auth when forwarded', async () => {
    assert.equal((await request(`${gw.url}/system/info`, {headers: FORWARDED})).status, 401)
  })
})

describe('the CLI recognises the local provider in both shapes', () => {
  test('directly: `up` would pick the host builder, `version` names the provider', async () => {
    const client = new GatewayClient({gateway: gw.url, auth: {header: authHeader}})
    assert.equal(await isLocalRuntimeGateway(client), true)
    const report = versionReport({commit: 'c', version: 'v'}, gw.url, await fetchGatewayInfo(client))
    assert.equal(report.provider?.name, 'faas-local')
    assert.equal(report.gateway?.version, '1.2.3')
  })

  test('through a gateway that wraps what the provider answered (as the OpenFaaS gateway does)', async () => {
    const provider = json(await request(`${gw.url}/system/info`, {headers: {...FORWARDED, Authorization: authHeader}}))
    const front = await startTestGateway({info: {provider, version: {commit_message: 'x', sha: '', release: 'dev'}, arch: ''}})
    others.push(front)
    const client = new GatewayClient({gateway: front.url})
    assert.equal(await isLocalRuntimeGateway(client), true)
    const report = versionReport({commit: 'c', version: 'v'}, front.url, await fetchGatewayInfo(client))
    assert.deepEqual(report.provider, {name: 'faas-local', orchestration: 'host-processes', version: '1.2.3', sha: 'local'})
    assert.equal(report.gateway?.version, 'dev')
  })

  test('a provider asked directly (ProviderInfo) is read as well; other providers are not local', async () => {
    const bare = await startTestGateway({info: {provider: 'faas-local', orchestration: 'host-processes', version: {sha: 'local', release: '9'}}})
    const other = await startTestGateway({info: {provider: {provider: 'faasd', orchestration: 'containerd'}, version: {release: '0.27.0'}}})
    const broken = await startTestGateway({info: {provider: null, version: {release: 'dev'}}})
    others.push(bare, other, broken)
    assert.equal(await isLocalRuntimeGateway(new GatewayClient({gateway: bare.url})), true)
    assert.equal(await isLocalRuntimeGateway(new GatewayClient({gateway: other.url})), false)
    assert.equal(await isLocalRuntimeGateway(new GatewayClient({gateway: broken.url})), false, 'a gateway that could not read its provider')
    assert.deepEqual(asGatewayInfo({provider: 'faasd', orchestration: 'containerd', version: {release: '1'}}), {
      provider: {provider: 'faasd', orchestration: 'containerd', version: {release: '1'}},
    })
    assert.deepEqual(asGatewayInfo('nonsense'), {})
  })
})

describe('headers the OpenFaaS gateway already set', () => {
  test('X-Start-Time reaches the function once, the gateway\'s, and the answer repeats it', async () => {
    const r = await request(`${gw.url}/function/echo/echo`, {method: 'POST', body: 'x', headers: {...FORWARDED, 'X-Start-Time': '1700000000123456789', 'X-Call-Id': 'call-1'}})
    assert.equal(r.status, 200, r.text)
    const seen = json(r)
    const starts = (seen.rawHeaders as string[]).filter((_h, i, a) => i % 2 === 0 && a[i].toLowerCase() === 'x-start-time')
    assert.equal(starts.length, 1, `one X-Start-Time: ${JSON.stringify(seen.rawHeaders)}`)
    assert.equal(seen.headers['x-start-time'], '1700000000123456789')
    assert.equal(seen.headers['x-call-id'], 'call-1')
    assert.equal(seen.headers['x-forwarded-for'], FORWARDED['X-Forwarded-For'], 'the original caller, as the gateway said')
    assert.equal(r.headers['x-start-time'], '1700000000123456789')
  })

  test('called directly, the gateway sets X-Start-Time itself', async () => {
    const r = await request(`${gw.url}/function/echo/echo`, {method: 'POST', body: 'x'})
    const seen = json(r)
    assert.match(seen.headers['x-start-time'], /^\d{19}$/)
    assert.equal(r.headers['x-start-time'], seen.headers['x-start-time'])
  })
})

describe("the OpenFaaS gateway's scale-from-zero call", () => {
  const scale = (replicas: number, headers: Record<string, string> = {}) =>
    request(`${gw.url}/system/scale-function/echo?namespace=openfaas-fn`, {
      method: 'POST',
      // what the Go gateway sends: a JSON body with credentials, no Content-Type
      headers: {Authorization: authHeader, 'User-Agent': 'Go-http-client/1.1', ...headers},
      body: JSON.stringify({serviceName: 'echo', replicas}),
    })

  test('is accepted without a Content-Type, and scales', async () => {
    assert.equal((await scale(0)).status, 200)
    const described = json(await request(`${gw.url}/system/function/echo`, {headers: {Authorization: authHeader}}))
    assert.equal(described.replicas, undefined, 'scaled to zero')
    assert.equal((await scale(1)).status, 200)
    const after = json(await request(`${gw.url}/system/function/echo`, {headers: {Authorization: authHeader}}))
    assert.equal(after.replicas, 1)
  })

  test('from a browser, or to another route, a body without Content-Type is still refused', async () => {
    assert.equal((await scale(1, {Origin: `http://${new URL(gw.url).host}`})).status, 403)
    assert.equal((await scale(1, {'Sec-Fetch-Site': 'same-origin'})).status, 403)
    const deploy = await request(`${gw.url}/system/functions`, {method: 'POST', headers: {Authorization: authHeader}, body: JSON.stringify({service: 'x', image: 'test/echo:latest'})})
    assert.equal(deploy.status, 403)
    assert.equal((await scale(1, {Authorization: 'Basic eDp5'})).status, 401, 'credentials are still needed')
  })
})
