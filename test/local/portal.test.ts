/**
 * The portal's files and headers over HTTP (the browser test is test/e2e/portal.test.ts): behind
 * basic auth, the shipped files with their types, a strict CSP, ETag revalidation, gzip; the
 * store entries that can run here; and the gateway's own credentials never reaching a function.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {gunzipSync} from 'node:zlib'
import {type EmbeddedGateway, startGateway} from '../../src/local/gateway/server.js'
import {repoRoot} from '../helpers/cli.js'
import {json, registerTestImage, request, tempDir, waitFor} from './helpers.js'

const root = tempDir('faas-portal-test-')
const indexPath = path.join(root, 'images', 'index.json')
const PASSWORD = 'portal-test-password'
const AUTH = {Authorization: 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64')}
let gw: EmbeddedGateway

before(async () => {
  await registerTestImage(indexPath, 'test/echo:latest', {mode: 'http', run: `${process.execPath} upstream.cjs`, port_env: 'http_port'})
  // a store image (function-store.json) built on this machine: the portal may deploy it
  await registerTestImage(indexPath, 'ghcr.io/openfaas/nodeinfo:latest', {mode: 'http', run: `${process.execPath} upstream.cjs`, port_env: 'http_port'})
  gw = await startGateway({port: 0, dataDir: path.join(root, 'data'), imageIndexPath: indexPath, version: 'test', basicAuth: {user: 'admin', password: PASSWORD}})
})

after(async () => {
  await gw?.close()
  fs.rmSync(root, {recursive: true, force: true})
})

const get = (p: string, headers: Record<string, string> = {}, method = 'GET') => request(`${gw.url}${p}`, {method, headers: {...AUTH, ...headers}})

function assertPortalHeaders(r: Awaited<ReturnType<typeof get>>, what: string): void {
  const csp = String(r.headers['content-security-policy'])
  for (const part of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"]) {
    assert.ok(csp.includes(part), `${what}: CSP has ${part}: ${csp}`)
  }
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/, `${what}: nothing but 'self'`)
  assert.equal(r.headers['x-content-type-options'], 'nosniff', what)
  assert.equal(r.headers['x-frame-options'], 'DENY', what)
}

describe('portal files', () => {
  test('/ui/ needs the credentials; / leads to it', async () => {
    const anon = await request(`${gw.url}/ui/`)
    assert.equal(anon.status, 401)
    assert.match(String(anon.headers['www-authenticate']), /^Basic realm=/)
    assert.equal((await request(`${gw.url}/ui/app.js`)).status, 401)
    assert.equal((await request(`${gw.url}/ui/api/store`)).status, 401)
    const wrong = await request(`${gw.url}/ui/`, {headers: {Authorization: 'Basic ' + Buffer.from('admin:nope').toString('base64')}})
    assert.equal(wrong.status, 401)
    const home = await request(`${gw.url}/`)
    assert.equal(home.status, 307)
    assert.equal(home.headers.location, '/ui/')
    const bare = await get('/ui')
    assert.equal(bare.status, 301)
    assert.equal(bare.headers.location, '/ui/')
  })

  test('the page, its script and stylesheet: types, CSP, no inline script or style, under 100 KB', async () => {
    const html = await get('/ui/')
    assert.equal(html.status, 200)
    assert.equal(html.headers['content-type'], 'text/html; charset=utf-8')
    assertPortalHeaders(html, '/ui/')
    // every script comes from a file; no inline handlers or style attributes the CSP would block
    const scripts = html.text.match(/<script\b[^>]*>/g) ?? []
    assert.ok(scripts.length >= 1)
    for (const s of scripts) assert.match(s, /\bsrc="[^"]+"/, s)
    assert.doesNotMatch(html.text, /<style\b|\sstyle=|\son[a-z]+=/i)
    assert.doesNotMatch(html.text, /https?:\/\//, 'nothing from the network')
    const js = await get('/ui/app.js')
    assert.equal(js.status, 200)
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8')
    assertPortalHeaders(js, 'app.js')
    assert.doesNotMatch(js.text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/, 'remote text is never parsed as HTML or code')
    const css = await get('/ui/style.css')
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8')
    const icon = await get('/ui/icon.svg')
    assert.equal(icon.headers['content-type'], 'image/svg+xml')
    const total = html.body.length + js.body.length + css.body.length + icon.body.length
    assert.ok(total < 100 * 1024, `the first load is ${total} bytes`)
    assert.equal(html.text, fs.readFileSync(path.join(repoRoot, 'portal', 'index.html'), 'utf8'), 'served from the shipped folder')
  })

  test('ETag revalidation, gzip, HEAD; other methods and names refused', async () => {
    const first = await get('/ui/app.js')
    const etag = String(first.headers.etag)
    assert.match(etag, /^"[\w-]+"$/)
    assert.equal(first.headers['cache-control'], 'no-cache')
    const again = await get('/ui/app.js', {'If-None-Match': etag})
    assert.equal(again.status, 304)
    assert.equal(again.body.length, 0)
    assert.equal((await get('/ui/app.js', {'If-None-Match': '"other"'})).status, 200)
    const zipped = await get('/ui/app.js', {'Accept-Encoding': 'gzip, deflate'})
    assert.equal(zipped.headers['content-encoding'], 'gzip')
    assert.ok(zipped.body.length < first.body.length / 2)
    assert.equal(gunzipSync(zipped.body).toString(), first.text)
    assert.equal((await get('/ui/app.js', {'Accept-Encoding': 'gzip;q=0'})).headers['content-encoding'], undefined)
    const head = await get('/ui/', {}, 'HEAD')
    assert.equal(head.status, 200)
    assert.equal(head.body.length, 0)
    const post = await request(`${gw.url}/ui/`, {method: 'POST', headers: {...AUTH, 'Content-Type': 'text/plain'}, body: 'x'})
    assert.equal(post.status, 405)
    assert.equal(post.headers.allow, 'GET, HEAD')
    const missing = await get('/ui/../package.json')
    assert.notEqual(missing.status, 200)
    for (const p of ['/ui/nope.js', '/ui/portal/app.js', '/ui/constructor', '/ui/__proto__', '/ui/api/store/x']) {
      const r = await get(p)
      assert.equal(r.status, 404, p)
      assertPortalHeaders(r, p)
    }
  })

  test('a cross-site page can neither load nor frame the portal', async () => {
    assert.equal((await get('/ui/', {'Sec-Fetch-Site': 'cross-site'})).status, 403)
    assert.equal((await get('/ui/', {Origin: 'http://evil.example'})).status, 403)
    assert.equal((await get('/ui/', {Host: 'evil.example'})).status, 403)
  })
})

describe('portal store', () => {
  test('lists the shipped store with what can run here, and its deploy body deploys', async () => {
    const r = await get('/ui/api/store')
    assert.equal(r.status, 200)
    assert.equal(r.headers['content-type'], 'application/json')
    assertPortalHeaders(r, 'api/store')
    const store = json(r) as {functions: Array<{name: string; image: string; runnable: boolean; deployment: Record<string, unknown>}>}
    const byName = new Map(store.functions.map((f) => [f.name, f]))
    assert.ok(store.functions.length >= 10)
    assert.equal(byName.get('nodeinfo')?.runnable, true, 'built on this machine')
    assert.equal(byName.get('figlet')?.runnable, false, 'not in the image index')
    assert.deepEqual(store.functions.filter((f) => f.runnable).map((f) => f.name), ['nodeinfo'])
    const figlet = byName.get('figlet')!.deployment
    assert.equal(figlet.service, 'figlet')
    assert.equal(figlet.envProcess, 'figlet', "the store's fprocess, as faas store deploy sends it")

    const deployment = {...byName.get('nodeinfo')!.deployment, namespace: 'openfaas-fn'}
    const deployed = await request(`${gw.url}/system/functions`, {method: 'POST', headers: {...AUTH, 'Content-Type': 'application/json'}, body: JSON.stringify(deployment)})
    assert.equal(deployed.status, 202, deployed.text)
    const answer = await waitFor(async () => {
      const a = await request(`${gw.url}/function/nodeinfo`, {method: 'POST', body: 'store'})
      return a.status === 200 ? a : undefined
    })
    assert.equal(answer.text, 'store')
    const refused = await request(`${gw.url}/system/functions`, {method: 'POST', headers: {...AUTH, 'Content-Type': 'application/json'}, body: JSON.stringify(figlet)})
    assert.equal(refused.status, 400)
    assert.match(refused.text, /local image index/)
  })
})

describe("the gateway's credentials", () => {
  test('never reach a function; other Authorization headers do', async () => {
    const d = await request(`${gw.url}/system/functions`, {method: 'POST', headers: {...AUTH, 'Content-Type': 'application/json'}, body: JSON.stringify({service: 'echo', image: 'test/echo:latest'})})
    assert.equal(d.status, 202, d.text)
    const seen = json(await request(`${gw.url}/function/echo/echo`, {headers: AUTH}))
    assert.equal(seen.headers.authorization, undefined, 'the basic auth a logged-in browser sends again to a 401 with the gateway realm')
    assert.ok(!JSON.stringify(seen.rawHeaders).includes(AUTH.Authorization))
    const bearer = json(await request(`${gw.url}/function/echo/echo`, {headers: {Authorization: 'Bearer app-token'}}))
    assert.equal(bearer.headers.authorization, 'Bearer app-token')
    const otherBasic = 'Basic ' + Buffer.from('someone:else').toString('base64')
    assert.equal(json(await request(`${gw.url}/function/echo/echo`, {headers: {Authorization: otherBasic}})).headers.authorization, otherBasic)
  })
})
