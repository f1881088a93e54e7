import assert from 'node:assert/strict'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import {after, describe, test} from 'node:test'
import {formatDuration, parseDurationSetting} from '../../src/local/duration.js'
import {parseGoDuration} from '../../src/util/duration.js'
import {canonicalHeaderName, cgiVariableName} from '../../src/local/watchdog/cgi-env.js'
import {readWatchdogConfig, splitFprocess} from '../../src/local/watchdog/config.js'
import {startWatchdogServer, type WatchdogServer} from '../../src/local/watchdog/server.js'
import {ENV_SCRIPT, freePort, request, tempDir, UPSTREAM_SCRIPT, waitFor, writeFile} from './helpers.js'

const dir = tempDir()
const upstreamJs = writeFile(dir, 'upstream.cjs', UPSTREAM_SCRIPT)
const envJs = writeFile(dir, 'env.cjs', ENV_SCRIPT)
const servers: WatchdogServer[] = []
const node = process.execPath

/**
 * In http mode /_/ready is 200 before the function listens (as of-watchdog's, tested below), and
 * a call then gets an empty 500: a test that needs the function waits until a call reaches it.
 */
async function functionListening(wd: {url: string}): Promise<void> {
  await waitFor(async () => (await request(`${wd.url}/status/200`)).status === 200, 5000, 'the function listening')
}

after(async () => {
  await Promise.all(servers.map((s) => s.close()))
  fs.rmSync(dir, {recursive: true, force: true})
})

/** Starts a watchdog; in http mode, waits until the function listens (of-watchdog answers 500 before). */
async function watchdog(env: Record<string, string>, extra: {onFatal?: () => void; noWait?: boolean} = {}): Promise<WatchdogServer> {
  const lockDir = tempDir('faas-lock-')
  const lines: string[] = []
  const s = await startWatchdogServer({
    env: {PATH: process.env.PATH, ...env},
    port: 0,
    host: '127.0.0.1',
    lockDir,
    metricsPort: 0,
    logs: (_stream, line) => lines.push(line),
    onFatal: extra.onFatal,
  })
  servers.push(s)
  if (env.mode === 'http' && !extra.noWait) await s.watchdog.whenReady(5000)
  return s
}

describe('durations and names', () => {
  test('Go durations and integer seconds', () => {
    assert.equal(parseGoDuration('500ms'), 500)
    assert.equal(parseGoDuration('1m30s'), 90_000)
    assert.equal(parseGoDuration('1.5h'), 5_400_000)
    assert.equal(parseGoDuration('10'), undefined)
    assert.equal(parseDurationSetting('10', 1), 10_000)
    assert.equal(parseDurationSetting('2s', 1), 2000)
    assert.equal(parseDurationSetting('bogus', 1234), 1234)
    assert.equal(parseDurationSetting(undefined, 7), 7)
  })

  test('Http_* names follow Go header canonicalisation', () => {
    assert.equal(cgiVariableName('content-type'), 'Http_Content_Type')
    assert.equal(cgiVariableName('X-API-KEY'), 'Http_X_Api_Key')
    assert.equal(cgiVariableName('user-agent'), 'Http_User_Agent')
    assert.equal(cgiVariableName('x-call-id'), 'Http_X_Call_Id')
    assert.equal(canonicalHeaderName('bad header'), 'bad header')
  })

  test('configuration defaults per mode', () => {
    const s = readWatchdogConfig({fprocess: 'cat'})
    assert.equal(s.mode, 'streaming')
    assert.equal(s.execTimeoutMs, 30_000)
    assert.equal(s.port, 8080)
    const c = readWatchdogConfig({fprocess: 'cat', mode: 'classic', prefix_logs: '1', suppress_lock: '1'})
    assert.equal(c.execTimeoutMs, 0, 'classic exec_timeout defaults to off')
    assert.equal(c.suppressLock, false, 'classic only accepts "true"')
    assert.equal(readWatchdogConfig({fprocess: 'cat', suppress_lock: '1'}).suppressLock, true)
    assert.equal(readWatchdogConfig({function_process: 'a', fprocess: 'b'}).fprocess, 'a')
    assert.throws(() => readWatchdogConfig({fprocess: 'cat', mode: 'afterburn'}), /unknown watchdog mode/)
    assert.throws(() => readWatchdogConfig({mode: 'http', fprocess: 'x'}), /upstream_url/)
    assert.throws(() => readWatchdogConfig({mode: 'serializing'}), /fprocess/)
    assert.deepEqual(splitFprocess('node  a.js'), {file: 'node', args: ['', 'a.js']})
  })
})

describe('http mode', () => {
  test('proxies method, path, query, headers and binary body; copies multi-value headers', async () => {
    const port = await freePort()
    const wd = await watchdog({mode: 'http', fprocess: `${node} ${upstreamJs}`, upstream_url: `http://127.0.0.1:${port}`, http_port: String(port)})
    const body = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0])
    const r = await request(`${wd.url}/echo/a%2Fb?x=1&x=2`, {method: 'PUT', headers: ['X-Api-Key', 'k1', 'X-Api-Key', 'k2', 'Host', 'example.test'], body})
    assert.equal(r.status, 200)
    assert.match(String(r.headers['x-duration-seconds']), /^\d+\.\d{6}$/)
    const seen = JSON.parse(r.text)
    assert.equal(seen.method, 'PUT')
    assert.equal(seen.url, '/echo/a%2Fb?x=1&x=2')
    assert.equal(seen.headers.host, 'example.test')
    assert.deepEqual(
      seen.rawHeaders.filter((_: string, i: number, a: string[]) => i % 2 === 1 && a[i - 1].toLowerCase() === 'x-api-key'),
      ['k1', 'k2'],
    )
    assert.deepEqual(Buffer.from(seen.body, 'base64'), body)
    const m = await request(`${wd.url}/multi`)
    assert.deepEqual(m.headers['set-cookie'], ['c=1', 'd=2'])
    const multi = m.rawHeaders.filter((_, i, a) => i % 2 === 1 && a[i - 1].toLowerCase() === 'x-multi')
    assert.deepEqual(multi, ['a', 'b'])
    const st = await request(`${wd.url}/status/418`)
    assert.equal(st.status, 418)
  })

  test('exec_timeout gives 504 with an empty body; X-Timeout only shortens it', async () => {
    const port = await freePort()
    const wd = await watchdog({mode: 'http', fprocess: `${node} ${upstreamJs}`, upstream_url: `http://127.0.0.1:${port}`, http_port: String(port), exec_timeout: '400ms'})
    const t0 = Date.now()
    const r = await request(`${wd.url}/sleep/2000`)
    assert.equal(r.status, 504)
    assert.equal(r.body.length, 0)
    assert.equal(r.headers['x-openfaas-internal'], 'of-watchdog')
    assert.ok(r.headers['x-duration-seconds'])
    assert.ok(Date.now() - t0 < 1500)
    const short = await request(`${wd.url}/sleep/300`, {headers: {'X-Timeout': '100ms'}})
    assert.equal(short.status, 504)
    const longer = await request(`${wd.url}/sleep/100`, {headers: {'X-Timeout': '10s'}})
    assert.equal(longer.status, 200)
    assert.equal(longer.text, 'slept')
  })

  test('a crashing function gives an empty 500 and ends the watchdog (of-watchdog behaviour)', async () => {
    const port = await freePort()
    let fatal = 0
    const wd = await watchdog(
      {mode: 'http', fprocess: `${node} ${upstreamJs}`, upstream_url: `http://127.0.0.1:${port}`, http_port: String(port)},
      {onFatal: () => fatal++},
    )
    const r = await request(`${wd.url}/crash`)
    assert.equal(r.status, 500)
    assert.equal(r.body.length, 0)
    await waitFor(() => fatal === 1, 3000, 'onFatal')
  })

  test('health, ready, lock file and max_inflight 429', async () => {
    const port = await freePort()
    const wd = await watchdog({mode: 'http', fprocess: `${node} ${upstreamJs}`, upstream_url: `http://127.0.0.1:${port}`, http_port: String(port), max_inflight: '1'})
    const h = await request(`${wd.url}/_/health`)
    assert.equal(h.status, 200)
    assert.equal(h.text, 'OK')
    assert.ok(fs.existsSync(wd.lockFile))
    assert.equal((await request(`${wd.url}/_/health`, {method: 'POST'})).status, 405)
    await functionListening(wd)
    const slow = request(`${wd.url}/sleep/500`)
    await waitFor(() => wd.watchdog.inflight === 1, 2000, 'in flight')
    const busy = await request(`${wd.url}/echo`)
    assert.equal(busy.status, 429)
    assert.equal(busy.text, 'Concurrent request limit exceeded. Max concurrent requests: 1\n')
    assert.equal(busy.headers['x-openfaas-internal'], 'faas-middleware')
    assert.match(String(busy.headers['content-type']), /^text\/plain/)
    assert.equal((await request(`${wd.url}/_/ready`)).status, 429)
    assert.equal((await slow).status, 200)
    fs.rmSync(wd.lockFile)
    assert.equal((await request(`${wd.url}/_/health`)).status, 503)
    assert.equal((await request(`${wd.url}/_/ready`)).status, 503)
  })

  test('event streams bypass exec_timeout and X-Duration-Seconds, and are not buffered', async () => {
    const port = await freePort()
    const wd = await watchdog({mode: 'http', fprocess: `${node} ${upstreamJs}`, upstream_url: `http://127.0.0.1:${port}`, http_port: String(port), exec_timeout: '150ms'})
    await functionListening(wd)
    let firstChunkAt = 0
    const r = await new Promise<{status: number; headers: http.IncomingHttpHeaders; body: string; endAt: number}>((resolve, reject) => {
      http.get(`${wd.url}/sse`, {headers: {Accept: 'text/event-stream'}}, (res) => {
        let body = ''
        res.on('data', (c) => {
          firstChunkAt ||= Date.now()
          body += c
        })
        res.on('end', () => resolve({status: res.statusCode!, headers: res.headers, body, endAt: Date.now()}))
      }).on('error', reject)
    })
    assert.equal(r.status, 200)
    assert.equal(r.body, 'data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\n', 'the whole stream, past exec_timeout (150ms)')
    assert.equal(r.headers['x-duration-seconds'], undefined)
    // the events are 100 ms apart: unbuffered, the first one arrives well before the end
    assert.ok(r.endAt - firstChunkAt >= 200, `first event ${r.endAt - firstChunkAt} ms before the end`)
  })

  test('WebSocket upgrades are tunnelled to the function', async () => {
    const port = await freePort()
    const wd = await watchdog({mode: 'http', fprocess: `${node} ${upstreamJs}`, upstream_url: `http://127.0.0.1:${port}`, http_port: String(port)})
    await functionListening(wd)
    const u = new URL(wd.url)
    const reply = await new Promise<string>((resolve, reject) => {
      const req = http.request({host: u.hostname, port: u.port, path: '/ws', headers: {Connection: 'Upgrade', Upgrade: 'websocket'}})
      req.on('upgrade', (_res, socket) => {
        socket.write('ping')
        socket.once('data', (d) => {
          resolve(d.toString())
          socket.destroy()
        })
      })
      req.on('error', reject)
      req.end()
    })
    assert.equal(reply, 'echo:ping')
  })

  test('before the function listens, calls get an empty 500 at once and /_/ready is 200 (of-watchdog does not wait)', async () => {
    const port = await freePort()
    const slowStart = writeFile(dir, 'slow-start.cjs', `setTimeout(() => require(${JSON.stringify(upstreamJs)}), 1500)`)
    const wd = await watchdog({mode: 'http', fprocess: `${node} ${slowStart}`, upstream_url: `http://127.0.0.1:${port}`, http_port: String(port)}, {noWait: true})
    const t0 = Date.now()
    const r = await request(`${wd.url}/hello`, {method: 'POST', body: 'early'})
    assert.equal(r.status, 500)
    assert.equal(r.text, '')
    assert.equal(r.headers['x-openfaas-internal'], 'of-watchdog')
    assert.ok(Date.now() - t0 < 1000, 'answered at once')
    assert.equal((await request(`${wd.url}/_/ready`)).status, 200)
    await wd.watchdog.whenReady(5000)
    const later = await request(`${wd.url}/hello`, {method: 'POST', body: 'later'})
    assert.equal(later.text, 'later')
  })

  test('a missing binary ends the watchdog (the spawn error used to go unnoticed)', async () => {
    let fatal = 0
    await watchdog({mode: 'http', fprocess: 'no-such-binary-xyz', upstream_url: `http://127.0.0.1:${await freePort()}`}, {onFatal: () => fatal++, noWait: true})
    await waitFor(() => fatal === 1, 3000, 'onFatal')
  })
})

describe('fork modes', () => {
  test('streaming: body through stdin/stdout, binary safe, always 200', async () => {
    const wd = await watchdog({mode: 'streaming', fprocess: 'cat'})
    const body = Buffer.alloc(300_000)
    for (let i = 0; i < body.length; i++) body[i] = (i * 7) % 256
    const r = await request(`${wd.url}/`, {method: 'POST', body})
    assert.equal(r.status, 200)
    assert.equal(r.headers['content-type'], 'application/octet-stream')
    assert.ok(r.body.equals(body))
    const failing = await watchdog({mode: 'streaming', fprocess: 'false'})
    const f = await request(`${failing.url}/`, {method: 'POST', body: 'x'})
    assert.equal(f.status, 200)
    assert.equal(f.body.length, 0)
    const missing = await watchdog({mode: 'streaming', fprocess: 'no-such-binary-xyz'})
    assert.equal((await request(`${missing.url}/`)).status, 200)
  })

  test('serializing: content_type, 500 with Go error texts, exec_timeout kill', async () => {
    const ok = await watchdog({mode: 'serializing', fprocess: 'cat', content_type: 'text/plain'})
    const r = await request(`${ok.url}/`, {method: 'POST', body: 'hi there'})
    assert.equal(r.status, 200)
    assert.equal(r.text, 'hi there')
    assert.equal(r.headers['content-type'], 'text/plain')
    assert.ok(r.headers['x-duration-seconds'])
    const fail = await watchdog({mode: 'serializing', fprocess: `${node} -e process.exit(2)`})
    const f = await request(`${fail.url}/`, {method: 'POST', body: 'x'})
    assert.equal(f.status, 500)
    assert.equal(f.text, 'exit status 2')
    const missing = await watchdog({mode: 'serializing', fprocess: 'no-such-binary-xyz'})
    const m = await request(`${missing.url}/`)
    assert.equal(m.status, 500)
    assert.equal(m.text, 'exec: "no-such-binary-xyz": executable file not found in $PATH')
    const slow = await watchdog({mode: 'serializing', fprocess: 'sleep 5', exec_timeout: '200ms'})
    const s = await request(`${slow.url}/`)
    assert.equal(s.status, 500)
    assert.equal(s.text, 'signal: killed')
  })

  test('serializing: a child that ignores a large body fails with broken pipe', async () => {
    const wd = await watchdog({mode: 'serializing', fprocess: 'true'})
    const r = await request(`${wd.url}/`, {method: 'POST', body: Buffer.alloc(1024 * 1024, 1)})
    assert.equal(r.status, 500)
    assert.equal(r.text, 'write |1: broken pipe')
  })

  test('classic: Http_* variables, request content type, 500 and 408', async () => {
    const wd = await watchdog({mode: 'classic', fprocess: `${node} ${envJs}`})
    const r = await request(`${wd.url}/some/path%20x?a=1&a=2&b=%20`, {
      method: 'POST',
      headers: ['X-API-KEY', 'first', 'X-Api-Key', 'second', 'Content-Type', 'application/json', 'Host', 'h.test'],
      body: '{"n":1}',
    })
    assert.equal(r.status, 200)
    assert.equal(r.headers['content-type'], 'application/json')
    assert.ok(r.headers['x-duration-seconds'])
    const env = JSON.parse(r.text)
    assert.equal(env.Http_X_Api_Key, 'first')
    assert.equal(env.Http_Content_Type, 'application/json')
    assert.equal(env.Http_Method, 'POST')
    assert.equal(env.Http_Query, 'a=1&a=2&b=%20')
    assert.equal(env.Http_Path, '/some/path x')
    assert.equal(env.Http_ContentLength, '7')
    assert.equal(env.Http_Content_Length, '7')
    assert.equal(env.Http_Host, 'h.test')
    assert.equal(env.bodyLength, 7)
    assert.equal(env.Http_ContentType, undefined)

    const noQuery = JSON.parse((await request(`${wd.url}/`)).text)
    assert.equal(noQuery.Http_Query, undefined)
    assert.equal(noQuery.Http_Method, 'GET')

    assert.equal((await request(`${wd.url}/`, {method: 'OPTIONS'})).status, 405)
    assert.equal((await request(`${wd.url}/_/ready`)).status, 200, 'classic has no /_/ready: the function answers')

    const fail = await watchdog({mode: 'classic', fprocess: `${node} -e console.log('partial');process.exit(3)`})
    const f = await request(`${fail.url}/`, {method: 'POST'})
    assert.equal(f.status, 500)
    assert.equal(f.text, 'exit status 3\npartial\n')

    const slow = await watchdog({mode: 'classic', fprocess: 'sleep 5', exec_timeout: '200ms'})
    const s = await request(`${slow.url}/`)
    assert.equal(s.status, 408)
    assert.equal(s.text, 'Killed process.\n')
  })

  test('classic exec_timeout answers at once even when the script\'s own children hold its output open', async () => {
    // `sh script` runs sleep as a child: killing sh used to leave sleep holding stdout, and the
    // 408 waited the full 5 s for it (seen with a bash handler doing "sleep 30" behind faas gateway)
    const dir = tempDir('faas-wd-grandchild-')
    const script = path.join(dir, 'slow.sh')
    fs.writeFileSync(script, 'sleep 5\ntrue\n')
    const saved = process.env.FAAS_SPAWN_HELPERS
    try {
      for (const helpers of ['0', '']) {
        if (helpers) process.env.FAAS_SPAWN_HELPERS = helpers
        else delete process.env.FAAS_SPAWN_HELPERS
        const wd = await watchdog({mode: 'classic', fprocess: `sh ${script}`, exec_timeout: '200ms'})
        const started = Date.now()
        const s = await request(`${wd.url}/`)
        assert.equal(s.status, 408)
        assert.ok(Date.now() - started < 2500, `answered after ${Date.now() - started} ms (helpers: ${helpers || 'on'})`)
      }
    } finally {
      if (saved === undefined) delete process.env.FAAS_SPAWN_HELPERS
      else process.env.FAAS_SPAWN_HELPERS = saved
    }
  })

  test('durations in messages read like Go durations', () => {
    assert.equal(formatDuration(300), '300ms')
    assert.equal(formatDuration(2000), '2s')
    assert.equal(formatDuration(1500), '1.5s')
    assert.equal(formatDuration(90_000), '1m30s')
    assert.equal(formatDuration(3_600_000), '1h0m0s')
  })

  test('of-watchdog fork modes set Http_* too (without Http_Host)', async () => {
    const wd = await watchdog({mode: 'serializing', fprocess: `${node} ${envJs}`})
    const env = JSON.parse((await request(`${wd.url}/p?q=1`, {headers: {'x-custom': 'v'}})).text)
    assert.equal(env.Http_X_Custom, 'v')
    assert.equal(env.Http_Query, 'q=1')
    assert.equal(env.Http_Path, '/p')
    assert.equal(env.Http_Host, undefined)
    assert.equal(env.Http_ContentLength, undefined)
  })

  test('max_request_body gives 413', async () => {
    const wd = await watchdog({mode: 'streaming', fprocess: 'cat', max_request_body: '1k'})
    const r = await request(`${wd.url}/`, {method: 'POST', body: Buffer.alloc(5000)})
    assert.equal(r.status, 413)
    const small = await request(`${wd.url}/`, {method: 'POST', body: 'ok'})
    assert.equal(small.text, 'ok')
  })
})

describe('static mode', () => {
  test('index, listing, 404, content types and ranges', async () => {
    const root = tempDir('faas-static-')
    writeFile(root, 'index.html', '<h1>hi</h1>')
    writeFile(root, 'data.json', '{"a":1}')
    writeFile(root, 'sub/file.txt', '0123456789')
    const wd = await watchdog({mode: 'static', static_path: root})
    const idx = await request(`${wd.url}/`)
    assert.equal(idx.status, 200)
    assert.equal(idx.text, '<h1>hi</h1>')
    assert.match(String(idx.headers['content-type']), /^text\/html/)
    assert.equal((await request(`${wd.url}/data.json`)).headers['content-type'], 'application/json')
    const list = await request(`${wd.url}/sub/`)
    assert.match(list.text, /file\.txt/)
    assert.equal((await request(`${wd.url}/sub`)).status, 301)
    assert.equal((await request(`${wd.url}/nope`)).status, 404)
    const range = await request(`${wd.url}/sub/file.txt`, {headers: {Range: 'bytes=2-4'}})
    assert.equal(range.status, 206)
    assert.equal(range.text, '234')
    assert.equal(range.headers['content-range'], 'bytes 2-4/10')
    assert.equal((await request(`${wd.url}/../../etc/passwd`)).status, 404)
    fs.rmSync(root, {recursive: true, force: true})
  })
})

test('the lock file is removed on shutdown', async () => {
  const wd = await watchdog({mode: 'streaming', fprocess: 'cat'})
  assert.ok(fs.existsSync(wd.lockFile))
  await wd.shutdown({healthcheckIntervalMs: 10})
  assert.ok(!fs.existsSync(wd.lockFile))
  assert.ok(path.isAbsolute(wd.lockFile))
})
