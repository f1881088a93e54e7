/**
 * The portal's figures (issue 13), in headless chromium against the embedded gateway running in
 * its own process (bench/local-gateway.ts) with basic auth on:
 *  1. first page load with 200 functions deployed: bytes of HTML+JS+CSS (target < 100 KB) and the
 *     time until the page's own files have loaded (target < 300 ms), cold (no browser cache); also
 *     the time until the 200 rows are on screen;
 *  2. an invoke from the form: the time until the answer is on the page minus the function's own
 *     time (X-Duration-Seconds of a function that sleeps 200 ms; target < 100 ms).
 * The 200 functions are fork-per-call (`cat`), so deploying them starts no resident process.
 * Run directly: node dist/bench/portal.js
 */
import {promises as fs} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {launchChromium} from '../test/helpers/browser.js'
import {registerTestImage} from '../test/local/helpers.js'
import {startGatewayProcess} from './local.js'
import {median, repoRoot, type Figure} from './util.js'

const FUNCTIONS = 200
const ROUNDS = 7
const SLEEP_MS = 200


/**
 * The baseline the first load is compared with, side by side: the same three files from a bare
 * node:http server (no auth, no CSP, no gateway), so the browser's own time on this machine shows.
 */
async function startStaticServer(): Promise<{url: string; close: () => void}> {
  const types: Record<string, string> = {'/ui/': 'text/html', '/ui/app.js': 'text/javascript', '/ui/style.css': 'text/css', '/ui/icon.svg': 'image/svg+xml'}
  const files: Record<string, Buffer> = {}
  for (const p of Object.keys(types)) files[p] = await fs.readFile(path.join(repoRoot, 'portal', p === '/ui/' ? 'index.html' : p.slice(4)))
  const server = http.createServer((req, res) => {
    const body = files[req.url ?? '']
    if (!body) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, {'Content-Type': types[req.url!], 'Content-Length': body.length}).end(body)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {url: `http://127.0.0.1:${(server.address() as {port: number}).port}`, close: () => server.close()}
}

export async function benchPortal(log: (line: string) => void = () => {}): Promise<Figure[]> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'faas-bench-portal-'))
  const indexPath = path.join(root, 'images', 'index.json')
  await registerTestImage(indexPath, 'bench/cat:latest', {mode: 'classic', run: 'cat'})
  await registerTestImage(indexPath, 'bench/sleep:latest', {mode: 'http', run: `${process.execPath} upstream.cjs`, port_env: 'http_port'})
  const password = 'bench-portal'
  const auth = 'Basic ' + Buffer.from(`admin:${password}`).toString('base64')
  const gw = await startGatewayProcess({port: 0, dataDir: path.join(root, 'data'), imageIndexPath: indexPath, version: 'bench', basicAuth: {user: 'admin', password}}, process.env)
  const chromium = await launchChromium()
  const plain = await startStaticServer()
  try {
    const deploy = async (service: string, image: string) => {
      const r = await fetch(`${gw.url}/system/functions`, {method: 'POST', headers: {Authorization: auth, 'Content-Type': 'application/json'}, body: JSON.stringify({service, image})})
      if (r.status !== 202) throw new Error(`deploy ${service}: ${r.status} ${await r.text()}`)
    }
    for (let i = 0; i < FUNCTIONS - 1; i++) await deploy(`fn-${String(i).padStart(3, '0')}`, 'bench/cat:latest')
    await deploy('sleeper', 'bench/sleep:latest')
    log(`${FUNCTIONS} functions deployed`)

    // 1. cold first loads: a fresh incognito context each round (empty cache)
    const loads: number[] = []
    const baseline: number[] = []
    const rows: number[] = []
    let bytes = 0
    for (let i = 0; i < ROUNDS; i++) {
      const context = await chromium.browser.createBrowserContext()
      const page = await context.newPage()
      // the header instead of page.authenticate(): no request interception to slow the page
      await page.setExtraHTTPHeaders({Authorization: auth})
      await page.goto(`${gw.url}/ui/`, {waitUntil: 'load'})
      let shown = 0
      for (let t = Date.now(); Date.now() - t < 10_000; ) {
        shown = (await page.evaluate(() => (globalThis as any).document.querySelectorAll('#functions tbody tr').length)) as number
        if (shown === FUNCTIONS) break
        await new Promise((r) => setTimeout(r, 10))
      }
      if (shown !== FUNCTIONS) throw new Error(`the page shows ${shown} rows`)
      const m = (await page.evaluate(() => {
        const p = (globalThis as any).performance
        const nav = p.getEntriesByType('navigation')[0]
        const own = p.getEntriesByType('resource').filter((r: any) => /\/ui\/(app\.js|style\.css)$/.test(r.name))
        const list = p.getEntriesByType('resource').find((r: any) => /\/system\/functions/.test(r.name))
        return {
          bytes: nav.encodedBodySize + own.reduce((s: number, r: any) => s + r.encodedBodySize, 0),
          decoded: nav.decodedBodySize + own.reduce((s: number, r: any) => s + r.decodedBodySize, 0),
          files: Math.max(nav.responseEnd, ...own.map((r: any) => r.responseEnd)) - nav.startTime,
          load: nav.loadEventEnd - nav.startTime,
          listEnd: list ? list.responseEnd - nav.startTime : 0,
          rows: p.getEntriesByName('list-shown')[0]?.startTime ?? 0,
          phases: [nav.requestStart, nav.responseStart, nav.responseEnd, nav.domInteractive, ...own.map((r: any) => `${r.name.slice(-6)} ${r.startTime.toFixed(0)}-${r.responseEnd.toFixed(0)}`)].map((x: any) => (typeof x === 'number' ? x.toFixed(1) : x)).join(' '),
        }
      })) as {bytes: number; decoded: number; files: number; load: number; listEnd: number; rows: number; phases: string}
      loads.push(m.load)
      rows.push(m.rows)
      bytes = m.bytes
      // the same files from the bare server, right after, in a fresh context too
      const bare = await chromium.browser.createBrowserContext()
      const bp = await bare.newPage()
      await bp.goto(`${plain.url}/ui/`, {waitUntil: 'load'})
      const bareLoad = (await bp.evaluate(() => {
        const nav = (globalThis as any).performance.getEntriesByType('navigation')[0]
        return nav.loadEventEnd - nav.startTime
      })) as number
      baseline.push(bareLoad)
      await bare.close()
      log(`bare server load ${i}: ${bareLoad.toFixed(1)} ms`)
      log(`load ${i}: ${m.bytes} B on the wire (${m.decoded} B), files ${m.files.toFixed(1)} ms, load ${m.load.toFixed(1)} ms, list answered at ${m.listEnd.toFixed(1)} ms, rows shown at ${m.rows.toFixed(1)} ms; ${m.phases}`)
      await context.close()
    }

    // 2. invoke latency from the form
    const page = await chromium.browser.newPage()
    await page.setExtraHTTPHeaders({Authorization: auth})
    await page.goto(`${gw.url}/ui/#/fn/openfaas-fn/sleeper`, {waitUntil: 'load'})
    await page.select('#inv-method', 'GET')
    await page.$eval('#inv-path', (e, p) => ((e as any).value = p), `/sleep/${SLEEP_MS}`)
    const overheads: number[] = []
    const totals: number[] = []
    for (let i = 0; i < ROUNDS + 1; i++) {
      await page.evaluate(() => (globalThis as any).performance.clearMeasures())
      await page.click('#inv-send')
      let result: {shown: number; own: number} | undefined
      for (let t = Date.now(); Date.now() - t < 5000 && !result; ) {
        result = (await page.evaluate(() => {
          const g = globalThis as any
          const m = g.performance.getEntriesByName('invoke')[0]
          if (!m) return undefined
          const own = /function (\d+) ms/.exec(g.document.getElementById('answer-status').textContent)
          return {shown: m.duration, own: own ? Number(own[1]) : 0}
        })) as {shown: number; own: number} | undefined
        if (!result) await new Promise((r) => setTimeout(r, 10))
      }
      if (!result) throw new Error('no answer on the page')
      if (i === 0) continue // the first call warms the connection
      totals.push(result.shown)
      overheads.push(result.shown - result.own)
      log(`invoke ${i}: shown after ${result.shown.toFixed(1)} ms, function ${result.own} ms`)
    }
    const load = median(loads)
    const over = median(overheads)
    return [
      {name: `portal first load, HTML+JS+CSS on the wire (${FUNCTIONS} functions)`, value: bytes, unit: 'B', target: '< 100 KB', ok: bytes < 100 * 1024},
      {name: 'portal first load, until the load event (median, cold)', value: Number(load.toFixed(1)), unit: 'ms', target: '< 300 ms', ok: load < 300},
      {name: 'the same files from a bare node:http server, until the load event (median)', value: Number(median(baseline).toFixed(1)), unit: 'ms'},
      {name: 'portal first load vs the bare server (ratio of medians)', value: Number((load / median(baseline)).toFixed(2)), unit: 'x'},
      {name: `portal first load, until the ${FUNCTIONS} rows are shown (median)`, value: Number(median(rows).toFixed(1)), unit: 'ms'},
      {name: `portal invoke of a ${SLEEP_MS} ms function, answer shown (median)`, value: Number(median(totals).toFixed(1)), unit: 'ms'},
      {name: "portal invoke, answer shown minus the function's own time", value: Number(over.toFixed(1)), unit: 'ms', target: '< 100 ms', ok: over < 100},
    ]
  } finally {
    await chromium.close()
    plain.close()
    gw.child.kill('SIGTERM')
    await new Promise((r) => gw.child.once('exit', r))
    await fs.rm(root, {recursive: true, force: true})
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchPortal((line) => process.stderr.write(line + '\n'))
  for (const f of figures) process.stdout.write(`${f.name.padEnd(72)} ${String(f.value).padStart(8)} ${f.unit}${f.target ? `  target ${f.target}` : ''}${f.ok === false ? '  MISSED' : ''}\n`)
}
