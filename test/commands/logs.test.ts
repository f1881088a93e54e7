// `faas logs`: the request, the output formats, following across gateway timeouts (no line lost
// or repeated), and failures.
import assert from 'node:assert/strict'
import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {after, before, describe, it} from 'node:test'

import {binPath, cleanEnv, runCli} from '../helpers/cli.js'
import {type TestGateway, makeLogs, startTestGateway} from '../helpers/gateway.js'

interface Follower {
  child: ChildProcessWithoutNullStreams
  out: () => string
  err: () => string
  waitFor: (pred: (s: string) => boolean, ms?: number) => Promise<void>
  /** Control+C, then wait for the exit. */
  stop: () => Promise<void>
}

function follow(args: string[], env: NodeJS.ProcessEnv = {}): Follower {
  const child = spawn(process.execPath, [binPath, ...args], {env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  child.stdin.end()
  return {
    child,
    out: () => stdout,
    err: () => stderr,
    waitFor: async (pred, ms = 10_000) => {
      const deadline = Date.now() + ms
      while (!pred(stdout)) {
        if (Date.now() > deadline) throw new Error(`timed out; stdout so far:\n${stdout}\nstderr:\n${stderr}`)
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}; stdout:\n${stdout}\nstderr:\n${stderr}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const closed = new Promise((r) => child.once('close', r))
      child.kill('SIGINT')
      await closed
    },
  }
}

describe('logs', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({functions: [{name: 'figlet', image: 'x'}], logs: makeLogs('figlet', 5)})
  })
  after(() => gw.close())

  it('asks for all lines without following, and prints plain lines with RFC3339 times', async () => {
    gw.clearRequests()
    const r = await runCli(['logs', 'figlet', '--tail=false', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(gw.requests[0].query, 'follow=false&name=figlet&tail=-1')
    assert.equal(r.stdout.split('\n')[0], '2024-01-01T10:00:00Z figlet log line 1')
    assert.equal(r.stdout.trim().split('\n').length, 5)
  })

  it('keyvalue with --name, --instance and --time-format (faas-cli\'s recorded output)', async () => {
    const r = await runCli(['logs', 'figlet', '--output', 'keyvalue', '--name', '--instance', '--time-format', '15:04:05', '--tail=false', '-n', 'openfaas-fn', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout.split('\n')[0], 'timestamp="10:00:00" name="figlet" instance="figlet-7d9c8b6f5-x0" text="figlet log line 1" ')
  })

  it('-o json and -j print one compact JSON message per line, and nothing else on stdout', async () => {
    for (const flag of [['-o', 'json'], ['-j']]) {
      const r = await runCli(['logs', 'figlet', ...flag, '--tail=false', '-g', gw.url])
      assert.equal(r.code, 0, r.stderr)
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as {text: string; timestamp: string})
      assert.equal(lines.length, 5)
      assert.equal(lines[4].text, 'figlet log line 5')
      assert.equal(lines[0].timestamp, '2024-01-01T10:00:00Z')
    }
  })

  it('--lines, --since and --since-time shape the query', async () => {
    gw.clearRequests()
    const r = await runCli(['logs', 'figlet', '--tail=false', '--lines', '2', '--since-time', '2024-01-01T10:00:01Z', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(gw.requests[0].query, 'follow=false&name=figlet&since=2024-01-01T10%3A00%3A01Z&tail=2')
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split(' ').at(-1)), ['4', '5'])
    const before = Date.now()
    await runCli(['logs', 'figlet', '--tail=false', '--since', '10m', '--lines', '0', '-g', gw.url])
    const q = new URLSearchParams(gw.requests[1].query)
    assert.equal(q.get('tail'), null)
    const since = Date.parse(q.get('since')!)
    assert.ok(Math.abs(before - 600_000 - since) < 5000, `since ${q.get('since')}`)
  })

  it('keeps following when the gateway ends the stream after a while: no line lost, none printed twice', async () => {
    const start = '2024-06-01T00:00:00Z'
    // two lines share the last timestamp, so the reconnect (since = that instant) gets both again
    const initial = [...makeLogs('fn', 3, {start}), {...makeLogs('fn', 3, {start})[2], text: 'same instant, other line'}]
    const closing = await startTestGateway({functions: [{name: 'fn', image: 'x'}], logs: initial, followCloseAfterMs: 300})
    // the gateway's write timeout (~30 s on OpenFaaS) is 300 ms here: a stream that lasted 200 ms is a cut one
    const run = follow(['logs', 'fn', '-g', closing.url], {FAAS_LOGS_MIN_FOLLOW_MS: '200'})
    try {
      await run.waitFor((s) => s.includes('same instant, other line'))
      // the gateway ends the request after 300 ms; lines logged meanwhile must still arrive
      await new Promise((r) => setTimeout(r, 450))
      closing.pushLog({name: 'fn', namespace: 'openfaas-fn', instance: 'i', timestamp: '2024-06-01T00:00:02Z', text: 'late line at the same instant'})
      closing.pushLog({name: 'fn', namespace: 'openfaas-fn', instance: 'i', timestamp: '2024-06-01T00:00:09Z', text: 'after the reconnect'})
      await run.waitFor((s) => s.includes('after the reconnect'))
      await new Promise((r) => setTimeout(r, 400))
      const texts = run.out().trim().split('\n').map((l) => l.slice(21))
      assert.deepEqual(texts, ['fn log line 1', 'fn log line 2', 'fn log line 3', 'same instant, other line', 'late line at the same instant', 'after the reconnect'])
      const queries = closing.requests.map((q) => new URLSearchParams(q.query))
      assert.ok(queries.length >= 2, 'it reconnected')
      assert.equal(queries[0].get('follow'), 'true')
      assert.equal(queries[1].get('since'), '2024-06-01T00:00:02.000Z')
    } finally {
      await run.stop()
      await closing.close()
    }
    assert.equal(run.child.exitCode, 0, run.err())
  })

  it('a follow stream that ends at once means the gateway does not follow: one request, the lines, exit 0 (faas-cli)', async () => {
    const closing = await startTestGateway({functions: [{name: 'fn', image: 'x'}], logs: makeLogs('fn', 2), followCloseAfterMs: 1})
    try {
      const started = Date.now()
      const r = await runCli(['logs', 'fn', '-g', closing.url], {timeoutMs: 10_000})
      assert.equal(r.code, 0, r.stderr)
      assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.slice(21)), ['fn log line 1', 'fn log line 2'])
      assert.equal(closing.requests.filter((q) => q.path === '/system/logs').length, 1, 'no reconnect')
      assert.match(r.stderr, /does not follow/)
      assert.ok(Date.now() - started < 5000)
    } finally {
      await closing.close()
    }
  })

  it('a stream cut after a while is resumed from the last timestamp, again and again, never in a tight loop', async () => {
    const start = '2024-06-01T00:00:00Z'
    const closing = await startTestGateway({functions: [{name: 'fn', image: 'x'}], logs: makeLogs('fn', 2, {start}), followCloseAfterMs: 250})
    const run = follow(['logs', 'fn', '-g', closing.url], {FAAS_LOGS_MIN_FOLLOW_MS: '200'})
    try {
      await run.waitFor((s) => s.includes('fn log line 2'))
      await new Promise((r) => setTimeout(r, 1200))
      const queries = closing.requests.filter((q) => q.path === '/system/logs').map((q) => new URLSearchParams(q.query))
      // one request per 250 ms stream, not hundreds
      assert.ok(queries.length >= 3 && queries.length <= 7, `${queries.length} requests`)
      for (const q of queries.slice(1)) assert.equal(q.get('since'), '2024-06-01T00:00:01.000Z')
      assert.equal(run.out().trim().split('\n').length, 2, 'nothing printed twice')
    } finally {
      await run.stop()
      await closing.close()
    }
    assert.equal(run.child.exitCode, 0, run.err())
  })

  it('a stream whose connection is dropped after a while (a Go server\'s write timeout) is resumed, quietly', async () => {
    const queries: URLSearchParams[] = []
    const server = http.createServer((req, res) => {
      queries.push(new URL(req.url ?? '/', 'http://x').searchParams)
      res.writeHead(200, {'Content-Type': 'application/x-ndjson'})
      if (queries.length === 1) res.write(JSON.stringify({name: 'fn', namespace: 'openfaas-fn', instance: 'i', timestamp: '2024-06-01T00:00:05Z', text: 'first'}) + '\n')
      // no final chunk: the client sees the body cut, not a clean end
      setTimeout(() => res.socket?.destroy(), 300)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const run = follow(['logs', 'fn', '-g', `http://127.0.0.1:${(server.address() as AddressInfo).port}`], {FAAS_LOGS_MIN_FOLLOW_MS: '200'})
    try {
      await run.waitFor((s) => s.includes('first'))
      const deadline = Date.now() + 5000
      while (queries.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      assert.ok(queries.length >= 2, 'it reconnected')
      assert.equal(queries[1].get('since'), '2024-06-01T00:00:05Z')
    } finally {
      await run.stop()
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    }
    assert.equal(run.child.exitCode, 0, run.err())
    assert.doesNotMatch(run.err(), /Reconnecting/)
  })

  it('an unknown function, a reset stream, a malformed line and a 500 each exit 1 with one line', async () => {
    const unknown = await runCli(['logs', 'ghost', '--tail=false', '-g', gw.url])
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /^Error: No such function: ghost/)
    gw.fault({path: '/system/logs', reset: 'mid-body', times: 1})
    const reset = await runCli(['logs', 'figlet', '--tail=false', '-g', gw.url])
    assert.equal(reset.code, 1)
    assert.match(reset.stderr, /^Error: .*(reset|aborted|closed)/im)
    gw.fault({path: '/system/logs', status: 200, body: '{"name":"figlet","text":"ok"}\n{not json\n', times: 1})
    const bad = await runCli(['logs', 'figlet', '--tail=false', '-g', gw.url])
    assert.equal(bad.code, 1)
    assert.equal(bad.stdout, 'ok\n')
    assert.match(bad.stderr, /^Error: the gateway sent a malformed log line: \{not json/m)
    gw.fault({path: '/system/logs', status: 500, body: 'provider down', times: 1})
    const r500 = await runCli(['logs', 'figlet', '--tail=false', '-g', gw.url])
    assert.equal(r500.code, 1)
    assert.match(r500.stderr, /^Error: server returned unexpected status code: 500 - provider down\nHint: /)
  })

  it('needs a function name, and a known --output', async () => {
    const none = await runCli(['logs', '-g', gw.url])
    assert.equal(none.code, 1)
    assert.match(none.stderr, /Function name is required/)
    const bad = await runCli(['logs', 'figlet', '-o', 'yaml', '-g', gw.url])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /plain, keyvalue, json/)
  })
})
