/**
 * What the embedded gateway keeps across a restart besides deployments: function logs (a
 * bounded two-file ring per function) and accepted asynchronous calls (a 202 survives kill -9).
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import {after, describe, test} from 'node:test'
import {AsyncStore} from '../../src/local/gateway/async-store.js'
import {LogFile} from '../../src/local/gateway/log-file.js'
import {LogStore} from '../../src/local/gateway/log-store.js'
import {startGateway} from '../../src/local/gateway/server.js'
import {deploy, registerImage, startTestGateway, type TestGateway} from '../security/helpers.js'
import {registerTestImage, request, tempDir, waitFor} from './helpers.js'

const root = tempDir('faas-durable-test-')
after(() => fs.rmSync(root, {recursive: true, force: true}))

describe('log files', () => {
  test('two rotating files bound the disk; the newest lines come back, a cut line is skipped', async () => {
    const dir = path.join(root, 'ring')
    const file = new LogFile(dir, {maxFileBytes: 2048})
    for (let i = 0; i < 200; i++) file.write({time: BigInt(i) + 1_700_000_000_000_000_000n, instance: 'fn-1', text: `line ${i} ${'x'.repeat(40)}`})
    await file.close()
    const names = fs.readdirSync(dir).sort()
    assert.deepEqual(names, ['current.ndjson', 'previous.ndjson'], 'two files, no temp files')
    for (const n of names) assert.ok(fs.statSync(path.join(dir, n)).size <= 2048, `${n} within its bound`)
    fs.appendFileSync(path.join(dir, 'current.ndjson'), '{"t":"17000000000000002000","i":"fn-1","x":"cut sh')
    const back = new LogFile(dir).readSync()
    assert.ok(back.length > 20 && back.length < 200, `${back.length} lines kept`)
    assert.equal(back.at(-1)!.text, `line 199 ${'x'.repeat(40)}`)
    assert.equal(back.at(-1)!.time, 1_700_000_000_000_000_199n)
    for (let i = 1; i < back.length; i++) assert.ok(back[i].time > back[i - 1].time, 'oldest first')
    const currentOnly = new LogFile(dir).readSync(3)
    assert.ok(currentOnly.length < back.length, 'enough lines in the current file: the previous one is not read')
    assert.deepEqual(currentOnly.at(-1), back.at(-1))
  })

  test('a log store started from a file has the earlier lines and keeps writing after them', async () => {
    const dir = path.join(root, 'store')
    const one = new LogStore()
    one.persistTo(new LogFile(dir))
    one.append('a', 'first')
    one.close()
    await one.flushed()
    const two = new LogStore()
    two.persistTo(new LogFile(dir))
    two.append('a', 'second')
    assert.deepEqual(two.query().map((e) => e.text), ['first', 'second'])
    two.close()
    await two.flushed()
    assert.equal(fs.readFileSync(path.join(dir, 'current.ndjson'), 'utf8').trim().split('\n').length, 2)
  })
})

describe('the gateway after a restart', () => {
  test('faas logs shows what the function wrote before (since and tail still apply); removing the function removes them', async () => {
    const indexPath = path.join(root, 'images', 'index.json')
    await registerTestImage(indexPath, 'test/echo', {mode: 'http', run: `${process.execPath} upstream.cjs`, port_env: 'http_port'})
    const opts = {port: 0, dataDir: path.join(root, 'logs-gw'), imageIndexPath: indexPath, version: 'test'}
    const one = await startGateway(opts)
    let before: string
    try {
      const d = await request(`${one.url}/system/functions`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({service: 'echo', image: 'test/echo'})})
      assert.equal(d.status, 202)
      assert.equal((await request(`${one.url}/function/echo/log/before-restart`)).status, 200)
      await waitFor(async () => (await request(`${one.url}/system/logs?name=echo`)).text.includes('before-restart'), 5000, 'the line')
      before = new Date().toISOString()
    } finally {
      await one.close()
    }
    const two = await startGateway(opts)
    try {
      await two.restored
      const lines = (await request(`${two.url}/system/logs?name=echo`)).text.trim().split('\n').map((l) => JSON.parse(l))
      const line = lines.find((l) => l.text === 'log line: before-restart')
      assert.ok(line, 'the line written before the restart')
      assert.match(line.instance, /^echo-\d+$/)
      assert.equal(line.name, 'echo')
      assert.ok(lines.some((l) => l.instance === 'gateway' && /restored/.test(l.text)))
      const since = (await request(`${two.url}/system/logs?name=echo&since=${before}`)).text
      assert.ok(!since.includes('before-restart'), 'since filters stored lines')
      assert.ok(since.includes('restored'))
      const tail = (await request(`${two.url}/system/logs?name=echo&tail=1`)).text.trim().split('\n')
      assert.equal(tail.length, 1)
      const logsDir = path.join(two.dataDir, 'run', 'openfaas-fn', 'echo', 'logs')
      assert.ok(fs.existsSync(path.join(logsDir, 'current.ndjson')))
      const del = await request(`${two.url}/system/functions`, {method: 'DELETE', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({functionName: 'echo'})})
      assert.equal(del.status, 200)
      assert.ok(!fs.existsSync(logsDir), 'logs removed with the function')
    } finally {
      await two.close()
    }
  })

  test('accepted async calls survive kill -9: every one runs after the restart, and the queue folder ends empty', async () => {
    const received = new Map<string, number>()
    const receiver = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        const id = String(req.headers['x-call-id'])
        if (req.headers['x-function-status'] === '200') received.set(id, (received.get(id) ?? 0) + 1)
        res.end()
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()))
    const cb = `http://127.0.0.1:${(receiver.address() as {port: number}).port}/cb`
    const gwRoot = tempDir('faas-durable-gw-')
    let gw: TestGateway | undefined
    try {
      gw = await startTestGateway({root: gwRoot})
      await registerImage(gw, 'test/slow-echo', {mode: 'http', run: `${process.execPath} upstream.cjs`, port_env: 'http_port'})
      assert.equal((await deploy(gw, 'slow', 'test/slow-echo')).status, 202)
      const ids: string[] = []
      for (let i = 0; i < 30; i++) {
        const r = await request(`${gw.url}/async-function/slow/sleep/100`, {method: 'POST', body: `call ${i}`, headers: {'X-Callback-Url': cb}})
        assert.equal(r.status, 202)
        ids.push(String(r.headers['x-call-id']))
      }
      const queueDir = path.join(gw.dataDir, 'async')
      gw.child.kill('SIGKILL')
      await new Promise((r) => gw!.child.once('exit', r))
      const left = fs.readdirSync(queueDir)
      assert.ok(left.length >= 20, `${left.length} calls still on disk after the kill`)
      assert.ok(received.size < 30, 'the kill came before the queue was done')
      gw = await startTestGateway({root: gwRoot, dataDir: path.join(gwRoot, 'gateway-data')})
      await waitFor(() => ids.every((id) => received.has(id)), 20_000, 'a callback for every accepted call')
      await waitFor(() => fs.readdirSync(queueDir).length === 0, 5000, 'an empty queue folder')
      const temps = (fs.readdirSync(gw.dataDir, {recursive: true}) as string[]).filter((f) => f.endsWith('.tmp'))
      assert.deepEqual(temps, [], 'no temp files anywhere in the data dir')
      assert.match(gw.output(), /running \d+ asynchronous call\(s\) accepted before the last stop/)
    } finally {
      await gw?.stop()
      receiver.close()
      fs.rmSync(gwRoot, {recursive: true, force: true})
    }
  })

  test('a state save cut short by a kill leaves no temp file after the next start', async () => {
    const dataDir = path.join(root, 'cut-save')
    fs.mkdirSync(dataDir, {recursive: true})
    fs.writeFileSync(path.join(dataDir, '.state.json.12345.abc.tmp'), '{"version":1,"func')
    fs.writeFileSync(path.join(dataDir, 'keep.tmp'), 'not ours')
    const gw = await startGateway({port: 0, dataDir, imageIndexPath: path.join(root, 'images', 'index.json')})
    await gw.close()
    assert.deepEqual(fs.readdirSync(dataDir).filter((n) => n.endsWith('.tmp')), ['keep.tmp'])
  })

  test('the store drops temp files of a cut write and unreadable calls', async () => {
    const dir = path.join(root, 'async-store')
    const store = new AsyncStore(dir)
    const name = await store.save({ref: 'echo', sub: '/', query: '', headers: ['A', 'b'], body: Buffer.from([0, 1, 255]), callId: 'id-1'})
    fs.writeFileSync(path.join(dir, `.${name}.abc.tmp`), '{"v":1,')
    fs.writeFileSync(path.join(dir, '0000000000001-000001-deadbeef.call'), 'not json')
    const cut = await store.save({ref: 'echo', sub: '/', query: '', headers: [], body: Buffer.from('0123456789'), callId: 'id-2'})
    fs.truncateSync(path.join(dir, cut), fs.statSync(path.join(dir, cut)).size - 1)
    const dropped: string[] = []
    const left = await store.load((n) => dropped.push(n))
    assert.equal(left.length, 1)
    assert.deepEqual(left[0].call.body, Buffer.from([0, 1, 255]))
    assert.equal(left[0].call.callId, 'id-1')
    assert.deepEqual(left[0].call.headers, ['A', 'b'])
    assert.deepEqual(dropped.sort(), ['0000000000001-000001-deadbeef.call', cut].sort())
    assert.deepEqual(fs.readdirSync(dir), [name])
    await store.remove(name)
    assert.deepEqual(fs.readdirSync(dir), [])
  })
})
