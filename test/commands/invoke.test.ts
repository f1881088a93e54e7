// `faas invoke`: stdin → function → stdout (streamed), methods, headers, query, async, HMAC
// signing, namespaces, and failures (exit 1, one line; faas-cli exited 0 on `-m HEAD`, §10).
import assert from 'node:assert/strict'
import {createHmac, randomBytes} from 'node:crypto'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {cleanEnv, runCli, tempDir} from '../helpers/cli.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

describe('invoke', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({
      auth: 'admin:pw',
      namespaces: ['openfaas-fn', 'staging'],
      functions: [{name: 'echo', image: 'alpine'}, {name: 'env', namespace: 'staging', image: 'alpine'}],
    })
  })
  after(() => gw.close())

  it('sends stdin as the body and writes the answer to stdout, byte for byte', async () => {
    gw.clearRequests()
    const r = await runCli(['invoke', 'echo', '-g', gw.url], {input: 'hello world'})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'hello world')
    const q = gw.requests[0]
    assert.equal(`${q.method} ${q.path}`, 'POST /function/echo.openfaas-fn')
    assert.equal(q.headers['content-type'], 'text/plain')
    assert.equal(q.headers['content-length'], '11')
    assert.match(String(q.headers['user-agent']), /^faas-cli\/\S+ \(openfaas; linux; \S+\)$/)
    assert.equal(q.headers.authorization, undefined)
  })

  it('never sends the gateway credentials to the function', async () => {
    const env = cleanEnv()
    assert.equal((await runCli(['login', '-g', gw.url, '-u', 'admin', '--password-stdin'], {env, input: 'pw'})).code, 0)
    gw.clearRequests()
    const r = await runCli(['invoke', 'echo', '-g', gw.url], {env, input: 'x'})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(gw.requests[0].headers.authorization, undefined)
  })

  it('--method, --query (sorted), -H and --content-type', async () => {
    gw.clearRequests()
    const r = await runCli(['invoke', 'echo', '-g', gw.url, '-m', 'put', '--query', 'z=1', '--query', 'a=b c', '-H', 'X-Trace: 7', '-H', 'Content-Type: application/json'], {input: '{}'})
    assert.equal(r.code, 0, r.stderr)
    const q = gw.requests[0]
    assert.equal(q.method, 'PUT')
    assert.equal(q.query, 'a=b+c&z=1')
    assert.equal(q.headers['x-trace'], '7')
    assert.equal(q.headers['content-type'], 'application/json')
    await runCli(['invoke', 'echo', '-g', gw.url, '-H', 'Content-Type: application/json', '--content-type', 'text/csv'], {input: 'a,b'})
    assert.equal(gw.requests[1].headers['content-type'], 'text/csv')
  })

  it('accepts the deprecated -H key=value with a warning on stderr', async () => {
    gw.clearRequests()
    const r = await runCli(['invoke', 'echo', '-g', gw.url, '-H', 'x-old=yes'], {input: 'x'})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(gw.requests[0].headers['x-old'], 'yes')
    assert.match(r.stderr, /deprecated/)
  })

  it('--async goes to /async-function with the callback header and says so on stderr', async () => {
    gw.clearRequests()
    const r = await runCli(['invoke', 'echo', '-g', gw.url, '--async', '-H', 'X-Callback-Url: http://127.0.0.1:9/cb'], {input: 'later'})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(gw.requests[0].path, '/async-function/echo.openfaas-fn')
    assert.equal(gw.requests[0].headers['x-callback-url'], 'http://127.0.0.1:9/cb')
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /Function submitted asynchronously\./)
  })

  it('--sign/--key puts sha256=<HMAC-SHA256 of the body> in the named header', async () => {
    gw.clearRequests()
    const r = await runCli(['invoke', 'echo', '-g', gw.url, '--sign', 'X-Hub-Signature', '--key', 's3cr3t'], {input: 'signed payload'})
    assert.equal(r.code, 0, r.stderr)
    const expected = `sha256=${createHmac('sha256', 's3cr3t').update('signed payload').digest('hex')}`
    assert.equal(gw.requests[0].headers['x-hub-signature'], expected)
    const half = await runCli(['invoke', 'echo', '-g', gw.url, '--sign', 'X-Hub-Signature'], {input: 'x'})
    assert.equal(half.code, 1)
    assert.match(half.stderr, /Signing requires both --sign <header-value> and --key <key-value>/)
  })

  it('takes the namespace from -n, else from the stack, else openfaas-fn', async () => {
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'stack.yaml'), `provider:\n  name: openfaas\n  gateway: ${gw.url}\nfunctions:\n  env:\n    image: alpine\n    namespace: staging\n`)
    gw.clearRequests()
    const fromStack = await runCli(['invoke', 'env'], {cwd, input: 'x'})
    assert.equal(fromStack.code, 0, fromStack.stderr)
    assert.equal(gw.requests[0].path, '/function/env.staging')
    await runCli(['invoke', 'echo', '-n', 'openfaas-fn'], {cwd, input: 'x'})
    assert.equal(gw.requests[1].path, '/function/echo.openfaas-fn')
  })

  it('replaces the gateway URL\'s path, like the Go SDK', async () => {
    gw.clearRequests()
    const r = await runCli(['invoke', 'echo', '-g', `${gw.url}/some/prefix`], {input: 'x'})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(gw.requests[0].path, '/function/echo.openfaas-fn')
  })

  it('a non-2xx answer exits 1 with the status and body on one line', async () => {
    const r = await runCli(['invoke', 'ghost', '-g', gw.url], {input: 'x'})
    assert.equal(r.code, 1)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^Error: Server returned unexpected status code: 404 - Cannot find service: ghost\.\nHint: /)
    gw.fault({path: '/function/echo.openfaas-fn', status: 500, body: 'handler crashed\nstack...', times: 1})
    const r500 = await runCli(['invoke', 'echo', '-g', gw.url], {input: 'x'})
    assert.equal(r500.code, 1)
    assert.match(r500.stderr, /^Error: Server returned unexpected status code: 500 - handler crashed stack\.\.\.$/m)
  })

  it('refuses a method it cannot send, and a bad --query, before any request (faas-cli exited 0, §10)', async () => {
    gw.clearRequests()
    const head = await runCli(['invoke', 'echo', '-g', gw.url, '-m', 'HEAD'], {input: 'x'})
    assert.equal(head.code, 1)
    assert.match(head.stderr, /--method HEAD is not allowed/)
    const q = await runCli(['invoke', 'echo', '-g', gw.url, '--query', 'novalue'], {input: 'x'})
    assert.equal(q.code, 1)
    assert.match(q.stderr, /the --query flag must take the form of key=value/)
    const h = await runCli(['invoke', 'echo', '-g', gw.url, '-H', 'nonsense'], {input: 'x'})
    assert.equal(h.code, 1)
    assert.match(h.stderr, /--header or -H flag must take the form/)
    assert.equal(gw.requests.length, 0)
  })

  it('streams a large body through (chunked), and the answer back unchanged', async () => {
    // ASCII, so runCli's text stdout can be compared exactly
    const body = Buffer.from(randomBytes(1536 * 1024).toString('hex'))
    gw.clearRequests()
    const r = await runCli(['invoke', 'echo', '-g', gw.url], {input: body})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(gw.requests[0].headers['transfer-encoding'], 'chunked')
    assert.ok(gw.requests[0].body.equals(body), 'the gateway received the body unchanged')
    assert.ok(r.stdout === body.toString(), 'the answer came back unchanged')
  })

  it('reads a file on stdin (< file) through reused buffers: the body arrives whole, in order, and comes back unchanged', async () => {
    const {spawn} = await import('node:child_process')
    const {closeSync, openSync, readFileSync} = await import('node:fs')
    const dir = tempDir()
    const run = async (body: Buffer) => {
      const file = path.join(dir, 'body.bin')
      writeFileSync(file, body)
      const stdin = openSync(file, 'r')
      const stdout = openSync(path.join(dir, 'out.bin'), 'w')
      gw.clearRequests()
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [path.resolve('bin/run.js'), 'invoke', 'echo', '-g', gw.url], {env: cleanEnv({HOME: dir}), stdio: [stdin, stdout, 'ignore']})
        child.on('close', resolve)
      })
      closeSync(stdin)
      closeSync(stdout)
      assert.equal(code, 0)
      assert.ok(gw.requests[0].body.equals(body), `the gateway received the ${body.length}-byte body unchanged`)
      assert.ok(readFileSync(path.join(dir, 'out.bin')).equals(body), 'the answer came back unchanged')
      return gw.requests[0].headers
    }
    // several rounds of both pump buffers, and an odd tail
    const large = randomBytes(5 * 64 * 1024 + 12345)
    assert.equal((await run(large))['transfer-encoding'], 'chunked')
    // within the read-ahead: sent whole, with a Content-Length
    assert.equal((await run(randomBytes(1000)))['content-length'], '1000')
  })

  it('a connection reset in the middle of the answer exits 1', async () => {
    gw.fault({path: '/function/echo.openfaas-fn', reset: 'mid-body', times: 1})
    const r = await runCli(['invoke', 'echo', '-g', gw.url], {input: 'some input to echo'})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: .*(reset|closed|aborted|failed)/im)
  })

  it('says what to do when the gateway is down', async () => {
    const r = await runCli(['invoke', 'echo', '-g', 'http://127.0.0.1:9'], {input: 'x'})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: cannot connect to OpenFaaS on URL: http:\/\/127\.0\.0\.1:9\nHint: /)
  })
})
