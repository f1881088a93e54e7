/**
 * The portal in a real browser: Debian's chromium, headless, driven by puppeteer-core, against
 * `faas gateway` started with its defaults (basic auth on). It logs in, sees a deployed
 * function, reads its details (secret names, never values; remote text stays text), invokes it
 * from the form, follows its logs, deploys from the store, removes with a confirmation, and
 * can't be used by a function to get the gateway's password. Screenshots at a phone and a
 * desktop width go to the test artefacts folder ($FAAS_TEST_ARTIFACTS, else test-artifacts/).
 *
 * Page state is read with page.evaluate polled from here: puppeteer's waitFor* helpers evaluate
 * code inside the page, which the portal's CSP (no eval) rightly refuses.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'
import type {Page} from 'puppeteer-core'
import {artifactsDir, launchChromium, type LaunchedBrowser} from '../helpers/browser.js'
import {repoRoot} from '../helpers/cli.js'
import {request} from '../local/helpers.js'
import {deploy, registerImage, startTestGateway, type TestGateway} from '../security/helpers.js'

// the callbacks given to page.evaluate run in the browser (the project compiles without DOM types)
declare const document: any
declare const window: any
declare const location: any

const SECRET_VALUE = 'secret-value-never-shown-7f3a'
const HOSTILE_LABEL = '<img src=x onerror="window.__pwned=1"><b>bold</b>'

/** A function that asks for the gateway's realm and prints any Authorization it gets. */
const PHISH_SCRIPT = `
const http = require('node:http')
http.createServer((req, res) => {
  const auth = req.headers.authorization
  if (auth) { console.log('GOT ' + auth); res.end('thanks: ' + auth); return }
  res.writeHead(401, {'WWW-Authenticate': 'Basic realm="Restricted"', 'Content-Type': 'text/plain'})
  res.end('log in, please')
}).listen(Number(process.env.http_port), '127.0.0.1')
`

let gw: TestGateway
let chromium: LaunchedBrowser
let page: Page
let password = ''
const problems: string[] = []
const shots = artifactsDir(repoRoot)

/** Polls fn in the page until it returns something truthy. */
async function until<T>(what: string, fn: (arg: string) => T, arg = '', timeoutMs = 8000): Promise<T> {
  const start = Date.now()
  for (;;) {
    const v = (await page.evaluate(fn, arg)) as T
    if (v) return v
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

const text = (selector: string) => page.$eval(selector, (e) => e.textContent ?? '')

async function setValue(selector: string, value: string): Promise<void> {
  await page.$eval(selector, (e, v) => {
    const input = e as any
    input.value = v
    input.dispatchEvent(new Event('input', {bubbles: true}))
    input.dispatchEvent(new Event('change', {bubbles: true}))
  }, value)
}

async function invokeFromForm(method: string, p: string, type: string, body: string, headers = '', answer = /^\d{3} /): Promise<void> {
  await page.select('#inv-method', method)
  await setValue('#inv-path', p)
  await setValue('#inv-type', type)
  await setValue('#inv-headers', headers)
  await setValue('#inv-body', body)
  await page.evaluate(() => {
    document.getElementById('answer-status')!.textContent = ''
  })
  await page.click('#inv-send')
  await until(`the answer ${answer}`, (src) => new RegExp(src).test(document.getElementById('answer-status')?.textContent ?? ''), answer.source)
}

async function screenshot(name: string, width: number): Promise<void> {
  // width only: a change of isMobile makes puppeteer reload the page
  await page.setViewport({width, height: width < 600 ? 844 : 900})
  await page.evaluate(() => window.scrollTo(0, 0))
  const file = path.join(shots, `portal-${name}-${width}.png`)
  await page.screenshot({path: file, fullPage: true})
  assert.ok(fs.statSync(file).size > 5000, `${file} is a real picture`)
}

before(async () => {
  gw = await startTestGateway()
  password = fs.readFileSync(path.join(gw.dataDir, 'basic-auth-password'), 'utf8').trim()
  await registerImage(gw, 'portal/echo:latest', {mode: 'http', run: `${process.execPath} upstream.cjs`, port_env: 'http_port'})
  await registerImage(gw, 'ghcr.io/openfaas/nodeinfo:latest', {mode: 'http', run: `${process.execPath} upstream.cjs`, port_env: 'http_port'})
  const phishDir = fs.mkdtempSync(path.join(gw.root, 'phish-'))
  fs.writeFileSync(path.join(phishDir, 'phish.cjs'), PHISH_SCRIPT)
  await registerImage(gw, 'portal/phish:latest', {mode: 'http', run: `${process.execPath} phish.cjs`, port_env: 'http_port', dir: phishDir})
  assert.equal((await gw.system('POST', '/system/secrets', {name: 'api-key', value: SECRET_VALUE})).status, 201)
  const echo = await deploy(gw, 'echo', 'portal/echo:latest', {
    envVars: {GREETING: 'hello'},
    labels: {team: HOSTILE_LABEL},
    annotations: {topic: 'orders'},
    secrets: ['api-key'],
  })
  assert.equal(echo.status, 202, echo.text)
  assert.equal((await deploy(gw, 'phish', 'portal/phish:latest')).status, 202)
  chromium = await launchChromium()
  page = await chromium.browser.newPage()
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`))
  page.on('response', (r) => {
    if (r.status() === 404) problems.push(`404 for ${r.url()}`)
  })
  await page.authenticate({username: 'admin', password})
})

after(async () => {
  await chromium?.close()
  await gw?.stop()
  if (gw) fs.rmSync(gw.root, {recursive: true, force: true})
})

describe('the portal in chromium', () => {
  test('opens /ui/ with the credentials and lists the deployed functions', async () => {
    await page.setViewport({width: 1280, height: 900})
    const res = await page.goto(`${gw.url}/ui/`)
    assert.equal(res?.status(), 200)
    await until('the echo row', () => document.querySelector('tr[data-name="echo"] td:last-child')?.textContent === 'Ready')
    const row = await page.$eval('tr[data-name="echo"]', (tr) => [...tr.children].map((c) => c.textContent))
    assert.deepEqual(row, ['echo', 'portal/echo:latest', '1/1', '0', 'Ready'])
    assert.match(await text('#gateway-info'), /sandbox: /)
    // it refreshes by itself: an invocation from outside shows up
    assert.equal((await request(`${gw.url}/function/echo`, {method: 'POST', body: 'x'})).status, 200)
    await until('the invocation count', () => document.querySelector('tr[data-name="echo"] td:nth-of-type(3)')?.textContent === '1')
    await screenshot('list', 1280)
    await screenshot('list', 390)
    await page.setViewport({width: 1280, height: 900})
  })

  test('keyboard: a function opens from its link and its heading takes the focus', async () => {
    await page.focus('tr[data-name="echo"] a')
    await page.keyboard.press('Enter')
    await until('the detail', () => document.activeElement?.id === 'detail-title' && document.getElementById('detail-title')?.textContent === 'echo')
    assert.equal(await page.evaluate(() => location.hash), '#/fn/openfaas-fn/echo')
    // beside the details (desktop width) the list drops a column: its header and cells alike
    const columns = await page.evaluate(() => {
      const visible = (e: any) => e.getClientRects().length > 0
      return [[...document.querySelectorAll('#functions thead th')].filter(visible).length, [...document.querySelector('tr[data-name="echo"]').children].filter(visible).length]
    })
    assert.equal(columns[0], columns[1], 'header and row have as many columns')
    // every form control has a label a screen reader reads
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((e) => !(e as any).labels?.length && !e.getAttribute('aria-label'))
        .map((e) => e.id),
    )
    assert.deepEqual(unlabelled, [])
  })

  test("details: env, labels, annotations, secret names — never the secret's value; remote text stays text", async () => {
    await until('the details', () => document.querySelector('#env dt')?.textContent === 'GREETING')
    assert.equal(await text('#env dd'), 'hello')
    assert.equal(await text('#annotations dt'), 'topic')
    assert.equal(await text('#secrets'), 'api-key')
    const label = await page.evaluate(() => ({
      text: [...document.querySelectorAll('#labels dd')].map((d) => d.textContent).join(''),
      elements: document.querySelectorAll('#labels img, #labels b').length,
      pwned: typeof window.__pwned,
    }))
    assert.deepEqual(label, {text: HOSTILE_LABEL, elements: 0, pwned: 'undefined'})
    assert.ok(!(await page.content()).includes(SECRET_VALUE))
  })

  test('invoke from the form: JSON pretty-printed, headers sent, status and duration shown, binary as a download', async () => {
    await invokeFromForm('POST', '', 'application/json', '{"greeting":"from the portal","n":[1,2]}')
    assert.match(await text('#answer-status'), /^200 OK · \d+ ms · 40 B/)
    assert.equal(await text('#answer-text'), JSON.stringify({greeting: 'from the portal', n: [1, 2]}, null, 2))
    const headers = await page.$$eval('#answer-headers dt', (dts) => dts.map((d) => d.textContent))
    assert.ok(headers.includes('x-call-id') && headers.includes('content-type'), headers.join(','))

    await invokeFromForm('PUT', '/echo?x=1', 'text/plain', 'body', 'X-Portal-Test: yes\nX-Other: 2')
    const seen = JSON.parse(await text('#answer-text')) as {method: string; url: string; headers: Record<string, string>}
    assert.equal(seen.method, 'PUT')
    assert.equal(seen.url, '/echo?x=1')
    assert.equal(seen.headers['x-portal-test'], 'yes')
    assert.equal(seen.headers.authorization, undefined)

    await invokeFromForm('POST', '', 'image/png', 'not really a png')
    assert.match(await text('#answer-text'), /binary answer \(image\/png\)/)
    const link = await page.$eval('#answer-link', (a) => ({href: (a as any).href, download: (a as any).download, hidden: (a.parentElement as any).hidden}))
    assert.match(link.href, /^blob:/)
    assert.equal(link.download, 'echo-answer.png')
    assert.equal(link.hidden, false)

    await invokeFromForm('GET', '/status/503', 'text/plain', '')
    assert.match(await text('#answer-status'), /^503 Service Unavailable/)
    await invokeFromForm('GET', '/../../system/functions', 'text/plain', '', '', /must stay under the function/)
  })

  test('the answer shows within 100 ms of the function’s own time (loose bound here: the machine is shared)', async () => {
    await invokeFromForm('GET', '/sleep/200', 'text/plain', '')
    const shown = await page.evaluate(() => performance.getEntriesByName('invoke')[0]?.duration ?? 0)
    assert.ok(shown >= 200, `the function sleeps 200 ms; the page took ${shown} ms`)
    assert.ok(shown < 200 + 1000, `the page showed the answer after ${shown.toFixed(0)} ms`)
    assert.equal(await text('#answer-text'), 'slept')
  })

  test('follows the logs of the function', async () => {
    await page.click('#logs-toggle')
    await until('following', () => document.getElementById('logs-toggle')?.getAttribute('aria-pressed') === 'true')
    await until('the backlog', () => /deployed \(image portal\/echo/.test(document.getElementById('logs')?.textContent ?? ''))
    await request(`${gw.url}/function/echo/log/live-from-the-portal`)
    await until('the new line', () => /log line: live-from-the-portal/.test(document.getElementById('logs')?.textContent ?? ''))
    await screenshot('function', 1280)
    await screenshot('function', 390)
    await page.setViewport({width: 1280, height: 900})
    await page.click('#logs-toggle')
    await until('stopped', () => document.getElementById('logs-toggle')?.getAttribute('aria-pressed') === 'false')
  })

  test('deploys from the store only what can run here', async () => {
    await page.click('#open-store')
    await until('the store', () => document.querySelectorAll('#store-list li').length > 10)
    const buttons = await page.$$eval('#store-list button', (bs) => bs.map((b) => [b.textContent, (b as any).disabled]))
    assert.deepEqual(buttons.filter(([, disabled]) => !disabled).map(([t]) => t), ['Deploy nodeinfo'])
    assert.ok(buttons.some(([t, disabled]) => t === 'Deploy figlet' && disabled))
    await screenshot('store', 390)
    await page.setViewport({width: 1280, height: 900})
    await page.$$eval('#store-list button', (bs) => (bs.find((b) => b.textContent === 'Deploy nodeinfo') as any).click())
    await until('deployed', () => /Deployed nodeinfo to openfaas-fn/.test(document.getElementById('store-list')?.textContent ?? ''))
    await page.keyboard.press('Escape')
    await until('the store closed and the new row', () => !(document.getElementById('store') as any).open && document.querySelector('tr[data-name="nodeinfo"]'))
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'open-store', 'the focus goes back')
  })

  test('removes a function after a confirmation (Escape cancels)', async () => {
    await page.evaluate(() => (location.hash = '#/fn/openfaas-fn/nodeinfo'))
    await until('nodeinfo', () => document.getElementById('detail-title')?.textContent === 'nodeinfo')
    await page.click('#remove')
    await until('the dialog', () => (document.getElementById('confirm') as any).open)
    assert.match(await text('#confirm-text'), /Remove nodeinfo from openfaas-fn\?/)
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel', 'the safe choice has the focus')
    await page.keyboard.press('Escape')
    await until('closed', () => !(document.getElementById('confirm') as any).open)
    const names = async () => (JSON.parse((await gw.system('GET', '/system/functions')).text) as Array<{name: string}>).map((f) => f.name)
    assert.ok((await names()).includes('nodeinfo'))
    await page.click('#remove')
    await until('the dialog', () => (document.getElementById('confirm') as any).open)
    await page.click('#confirm-remove')
    await until('the row gone', () => !document.querySelector('tr[data-name="nodeinfo"]') && document.getElementById('detail')?.hidden)
    assert.ok(!(await names()).includes('nodeinfo'))
  })

  test("a function answering 401 with the gateway's realm never gets the password", async () => {
    await page.evaluate(() => (location.hash = '#/fn/openfaas-fn/phish'))
    await until('phish', () => document.getElementById('detail-title')?.textContent === 'phish')
    await invokeFromForm('GET', '', 'text/plain', '')
    assert.match(await text('#answer-status'), /^401/)
    assert.equal(await text('#answer-text'), 'log in, please')
    const logs = await gw.system('GET', '/system/logs?name=phish&tail=1000')
    assert.doesNotMatch(logs.text, /GOT /)
    assert.ok(!logs.text.includes(password))
  })

  test('nothing broke: no script errors, no CSP violations', () => {
    assert.deepEqual(problems.filter((p) => !/status of 401|status of 503/.test(p)), [])
  })
})
