/**
 * Attacks on `faas gateway` started with its defaults, from what a web page in the user's
 * browser can send (a cross-site form or fetch, DNS rebinding) and from anything on the machine
 * without the credentials. Each was possible before: a page deployed `envProcess: sh` and ran
 * `id` through it.
 */
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {cleanEnv, runCli} from '../helpers/cli.js'
import {request} from '../local/helpers.js'
import {deploy, registerImage, startTestGateway, type TestGateway} from './helpers.js'

describe('drive-by requests against a gateway with its defaults', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway()
    await registerImage(gw, 'hello:latest', {mode: 'classic', run: 'cat'})
  })
  after(() => gw.stop())

  const shellDeploy = JSON.stringify({service: 'x', image: 'hello:latest', envProcess: 'sh', labels: {}, annotations: {}})

  const functionNames = async () => (JSON.parse((await gw.system('GET', '/system/functions')).text) as Array<{name: string}>).map((f) => f.name)

  test('a cross-site text/plain POST (with or without credentials) deploys nothing and runs nothing', async () => {
    const attempts: Array<Record<string, string>> = [
      {Origin: 'http://evil.example', 'Content-Type': 'text/plain'},
      {Origin: 'http://evil.example', 'Content-Type': 'text/plain', ...gw.auth},
      {Origin: 'http://evil.example', 'Content-Type': 'application/json', ...gw.auth},
      {'Sec-Fetch-Site': 'cross-site', 'Content-Type': 'application/json', ...gw.auth},
    ]
    for (const headers of attempts) {
      const r = await request(`${gw.url}/system/functions`, {method: 'POST', headers, body: shellDeploy})
      assert.equal(r.status, 403, JSON.stringify(headers))
    }
    assert.deepEqual(await functionNames(), [])
    const run = await request(`${gw.url}/function/x`, {method: 'POST', body: 'id'})
    assert.equal(run.status, 404)
  })

  test('DNS rebinding (Host: evil.example) is refused on every route, before any work', async () => {
    for (const p of ['/system/functions', '/function/x', '/healthz', '/system/info']) {
      const r = await request(`${gw.url}${p}`, {method: p === '/system/functions' ? 'POST' : 'GET', headers: {Host: 'evil.example:8080', 'Content-Type': 'application/json', ...gw.auth}, body: p === '/system/functions' ? shellDeploy : undefined})
      assert.equal(r.status, 403, p)
      assert.match(r.text, /not accepted/)
    }
    assert.deepEqual(await functionNames(), [])
  })

  test('without credentials /system/* and the portal answer 401; /healthz and function routes stay open', async () => {
    const denied = await request(`${gw.url}/system/functions`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: shellDeploy})
    assert.equal(denied.status, 401)
    assert.equal((await request(`${gw.url}/system/functions`)).status, 401)
    assert.equal((await request(`${gw.url}/ui/`)).status, 401)
    assert.equal((await request(`${gw.url}/healthz`)).status, 200)
    assert.equal((await request(`${gw.url}/function/nothing`)).status, 404, 'no credentials needed to reach a function route')
    assert.deepEqual(await functionNames(), [])
  })

  test('/system/* writes must be JSON, even with credentials and without a browser', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await request(`${gw.url}/system/functions`, {method: 'POST', headers: {...gw.auth, 'Content-Type': type}, body: shellDeploy})
      assert.equal(r.status, 403, type)
    }
    const noType = await request(`${gw.url}/system/functions`, {method: 'POST', headers: gw.auth, body: shellDeploy})
    assert.equal(noType.status, 403, 'a body without a Content-Type')
    assert.deepEqual(await functionNames(), [])
  })

  test('the user\'s own clients keep working: JSON with credentials, loopback names, a local front end', async () => {
    const ok = await deploy(gw, 'friendly', 'hello:latest')
    assert.equal(ok.status, 202, ok.text)
    const viaLocalhost = await request(`${gw.url}/function/friendly`, {method: 'POST', body: 'hi', headers: {Host: `localhost:${new URL(gw.url).port}`}})
    assert.equal(viaLocalhost.text, 'hi')
    const frontEnd = await request(`${gw.url}/function/friendly`, {method: 'POST', body: 'hey', headers: {Origin: 'http://localhost:3000', 'Sec-Fetch-Site': 'same-site'}})
    assert.equal(frontEnd.status, 200)
    assert.equal(frontEnd.text, 'hey')
    const list = await runCli(['list', '-g', gw.url, '-q'], {env: gw.env})
    assert.equal(list.code, 0, list.stderr)
    assert.equal(list.stdout.trim(), 'friendly')
  })
})

describe('exposure settings of faas gateway', () => {
  test('--basic-auth=false is refused on a non-loopback address', async () => {
    const r = await runCli(['gateway', '--port', '0', '--host', '0.0.0.0', '--basic-auth=false'], {env: cleanEnv()})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /only allowed on a loopback address/)
  })

  test('--basic-auth=false on loopback still refuses drive-by requests', async () => {
    const gw = await startTestGateway({args: ['--basic-auth=false']})
    try {
      assert.match(gw.output(), /basic auth is OFF/)
      const r = await request(`${gw.url}/system/functions`, {method: 'POST', headers: {Origin: 'http://evil.example', 'Content-Type': 'text/plain'}, body: '{}'})
      assert.equal(r.status, 403)
      assert.equal((await request(`${gw.url}/system/functions`, {headers: {Host: 'evil.example'}})).status, 403)
      assert.equal((await request(`${gw.url}/system/functions`)).status, 200)
    } finally {
      await gw.stop()
    }
  })

  test('a wildcard bind logs its real address; --allow-host adds a name clients may use', async () => {
    const gw = await startTestGateway({args: ['--host', '0.0.0.0', '--allow-host', 'my-laptop.lan']})
    try {
      assert.match(gw.output(), /\(bound to 0\.0\.0\.0:\d+\)/)
      assert.equal((await request(`${gw.url}/healthz`, {headers: {Host: 'my-laptop.lan:8080'}})).status, 200)
      assert.equal((await request(`${gw.url}/healthz`, {headers: {Host: 'evil.example'}})).status, 403)
    } finally {
      await gw.stop()
    }
  })
})
