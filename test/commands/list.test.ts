// `faas list` / `ls`, and the client's behaviour every reading command shares: faults (down,
// 401, 403, 404, 500, resets, slow, malformed JSON), GET retries, TLS, proxies, FAAS_DEBUG.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import http from 'node:http'
import {type AddressInfo, type Socket, connect} from 'node:net'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {cleanEnv, repoRoot, runCli} from '../helpers/cli.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

const seed = [
  {name: 'nodeinfo', image: 'ghcr.io/openfaas/nodeinfo:latest', invocationCount: 500, replicas: 1, createdAt: '2024-03-01T00:00:00Z'},
  {name: 'figlet', image: 'ghcr.io/openfaas/figlet:latest', invocationCount: 42.7, replicas: 2, createdAt: '2024-01-01T00:00:00Z'},
  {name: 'echo', image: 'ghcr.io/openfaas/alpine:latest', invocationCount: 100, replicas: 1, createdAt: '2024-02-01T12:30:00.5Z'},
  {name: 'env', namespace: 'staging', image: 'ghcr.io/openfaas/alpine:latest', invocationCount: 3},
]

describe('list', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({functions: seed, namespaces: ['openfaas-fn', 'staging']})
  })
  after(() => gw.close())

  it('prints faas-cli\'s table sorted by name', async () => {
    const r = await runCli(['list', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, [
      'Function                      \tInvocations    \tReplicas\n',
      'echo                          \t100            \t1    \n',
      'figlet                        \t42             \t2    \n',
      'nodeinfo                      \t500            \t1    \n',
    ].join(''))
    assert.equal(r.stderr, '')
  })

  it('-v adds image and creation time; --sort invocations and creation; -q prints names', async () => {
    const v = await runCli(['ls', '-g', gw.url, '-v', '--sort', 'invocations'])
    assert.equal(v.code, 0, v.stderr)
    const lines = v.stdout.trim().split('\n')
    assert.match(lines[0], /^Function {22}\tImage {35}\tInvocations {4}\tReplicas\tCreatedAt$/)
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[0]), ['nodeinfo', 'echo', 'figlet'])
    assert.match(lines[2], /\t\t2024-02-01 12:30:00\.5 \+0000 UTC$/)
    const c = await runCli(['list', '-g', gw.url, '-q', '--sort', 'creation'])
    assert.equal(c.stdout, 'figlet\necho\nnodeinfo\n')
  })

  it('-n sends ?namespace= and -j prints only JSON on stdout', async () => {
    gw.clearRequests()
    const r = await runCli(['list', '-g', gw.url, '-n', 'staging', '-j'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(gw.requests[0].query, 'namespace=staging')
    const parsed = JSON.parse(r.stdout) as {name: string; namespace: string}[]
    assert.deepEqual(parsed.map((f) => [f.name, f.namespace]), [['env', 'staging']])
  })

  it('retries a GET on 503 with backoff and succeeds', async () => {
    gw.clearRequests()
    gw.fault({method: 'GET', path: '/system/functions', status: 503, times: 2})
    const r = await runCli(['list', '-g', gw.url, '-q'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(gw.requests.length, 3)
    assert.ok(gw.requests[2].at - gw.requests[0].at >= 250, 'backoff between attempts')
  })

  it('retries a GET whose connection was reset before the headers', async () => {
    gw.clearRequests()
    gw.fault({method: 'GET', path: '/system/functions', reset: 'before-headers', times: 1})
    const r = await runCli(['list', '-g', gw.url, '-q'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(gw.requests.length, 2)
  })

  const faults: {name: string; fault: Parameters<TestGateway['fault']>[0]; message: RegExp; hint: RegExp}[] = [
    {name: '401', fault: {status: 401, body: 'Unauthorized'}, message: /unauthorized access, run "faas-cli login"/, hint: /faas login/},
    {name: '403', fault: {status: 403, body: 'not allowed here'}, message: /forbidden: the gateway refused the request \(403\) - not allowed here/, hint: /permission/},
    {name: '404', fault: {status: 404, body: 'no route'}, message: /server returned unexpected status code: 404 - no route/, hint: /--gateway/},
    {name: '500', fault: {status: 500, body: 'internal\nerror'}, message: /server returned unexpected status code: 500 - internal error$/m, hint: /logs/},
    {name: 'malformed JSON', fault: {malformedJson: true}, message: /the gateway sent malformed JSON for the function list/, hint: /OpenFaaS gateway/},
    {name: 'reset mid-body', fault: {reset: 'mid-body'}, message: /reset|request to .* failed/, hint: /./},
  ]
  for (const f of faults) {
    it(`gives one line and what to do on ${f.name}, exit 1`, async () => {
      gw.clearFaults()
      gw.fault({method: 'GET', path: '/system/functions', ...f.fault})
      try {
        const r = await runCli(['list', '-g', gw.url])
        assert.equal(r.code, 1)
        assert.equal(r.stdout, '')
        const lines = r.stderr.trimEnd().split('\n')
        assert.equal(lines.length, 2, r.stderr)
        assert.match(lines[0], /^Error: /)
        assert.match(lines[0], f.message)
        assert.match(lines[1], /^Hint: /)
        assert.match(lines[1], f.hint)
      } finally {
        gw.clearFaults()
      }
    })
  }

  it('says the gateway is down, with what to do', async () => {
    const r = await runCli(['list', '-g', 'http://127.0.0.1:9'])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, 'Error: cannot connect to OpenFaaS on URL: http://127.0.0.1:9\nHint: Is OpenFaaS deployed? Check the URL, or pass --gateway / set OPENFAAS_URL.\n')
  })

  it('sends saved basic credentials, and FAAS_DEBUG=1 never prints them', async () => {
    const secured = await startTestGateway({auth: 'admin:s3cret', functions: seed.slice(0, 1)})
    try {
      const env = cleanEnv()
      const login = await runCli(['login', '-g', secured.url, '-u', 'admin', '--password-stdin'], {env, input: 's3cret\n'})
      assert.equal(login.code, 0, login.stderr)
      const r = await runCli(['list', '-g', secured.url, '-q'], {env: {...env, FAAS_DEBUG: '1'}})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, 'nodeinfo\n')
      const token = Buffer.from('admin:s3cret').toString('base64')
      assert.equal(secured.requests.at(-1)!.headers.authorization, `Basic ${token}`)
      assert.match(r.stderr, /GET http:\/\/127\.0\.0\.1:\d+\/system\/functions/)
      assert.match(r.stderr, /Basic REDACTED/)
      assert.ok(!r.stderr.includes(token) && !r.stderr.includes('s3cret'), 'credentials leaked to stderr')
      assert.ok(!r.stdout.includes(token))
      // an explicit --token wins over saved basic credentials (faas-cli quirk §10: it sent Basic)
      await runCli(['list', '-g', secured.url, '-q', '-k', 'my-jwt'], {env})
      assert.equal(secured.requests.at(-1)!.headers.authorization, 'Bearer my-jwt')
    } finally {
      await secured.close()
    }
  })

  it('--token sends a bearer token; no credentials means no Authorization header (faas-cli sent "Bearer ")', async () => {
    gw.clearRequests()
    await runCli(['list', '-g', gw.url, '-q'])
    assert.equal(gw.requests[0].headers.authorization, undefined)
    await runCli(['list', '-g', gw.url, '-q', '-k', 'tok123'])
    assert.equal(gw.requests[1].headers.authorization, 'Bearer tok123')
  })

  it('refuses a self-signed certificate with a hint, and accepts it with --tls-no-verify', async () => {
    const fixtures = path.join(repoRoot, 'test', 'gateway', 'fixtures')
    const tls = await startTestGateway({functions: seed.slice(0, 1), tls: {key: readFileSync(path.join(fixtures, 'tls-key.pem')), cert: readFileSync(path.join(fixtures, 'tls-cert.pem'))}})
    try {
      const refused = await runCli(['list', '-g', tls.url])
      assert.equal(refused.code, 1)
      assert.match(refused.stderr, /TLS error talking to https:\/\/127\.0\.0\.1/)
      assert.match(refused.stderr, /Hint: Pass --tls-no-verify/)
      const ok = await runCli(['list', '-g', tls.url, '--tls-no-verify', '-q'])
      assert.equal(ok.code, 0, ok.stderr)
      assert.equal(ok.stdout, 'nodeinfo\n')
    } finally {
      await tls.close()
    }
  })

  it('goes through HTTP_PROXY, and around it for NO_PROXY hosts', async () => {
    // a tunnelling proxy (CONNECT), the kind HTTP(S)_PROXY usually names
    const seen: string[] = []
    const proxy = http.createServer((_req, res) => res.writeHead(405).end())
    proxy.on('connect', (req: http.IncomingMessage, client: Socket) => {
      seen.push(req.url ?? '')
      const [host, port] = (req.url ?? '').split(':')
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(client)
        client.pipe(upstream)
      })
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
    })
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
    try {
      const via = await runCli(['list', '-g', gw.url, '-q'], {env: cleanEnv({HTTP_PROXY: proxyUrl})})
      assert.equal(via.code, 0, via.stderr)
      assert.deepEqual(seen, [gw.url.replace('http://', '')])
      const around = await runCli(['list', '-g', gw.url, '-q'], {env: cleanEnv({HTTP_PROXY: proxyUrl, NO_PROXY: 'localhost,127.0.0.1'})})
      assert.equal(around.code, 0, around.stderr)
      assert.equal(seen.length, 1)
    } finally {
      proxy.close()
    }
  })
})
