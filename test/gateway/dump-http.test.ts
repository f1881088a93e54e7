/**
 * OPENFAAS_DUMP_HTTP=true (faas-cli dumps each raw request of its API client, credentials and
 * all): we print every request and response (method, URL, headers, non-streamed bodies, cut at
 * 4 KiB) on stderr, with the same redaction as FAAS_DEBUG: the Authorization header, passwords in
 * URLs, and credential fields of bodies (secret values, tokens). Real CLI, test gateway on loopback.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {cleanEnv, runCli} from '../helpers/cli.js'
import {startTestGateway, type TestGateway} from '../helpers/gateway.js'
import {GatewayClient, redactBody, redactHeaders, redactUrl} from '../../src/gateway/client.js'

describe('OPENFAAS_DUMP_HTTP=true', () => {
  let gw: TestGateway
  let env: NodeJS.ProcessEnv
  const token = Buffer.from('admin:pa55word').toString('base64')

  before(async () => {
    gw = await startTestGateway({auth: 'admin:pa55word'})
    env = cleanEnv()
    const login = await runCli(['login', '-g', gw.url, '-u', 'admin', '--password-stdin'], {env, input: 'pa55word\n'})
    assert.equal(login.code, 0, login.stderr)
  })
  after(() => gw.close())

  function assertNoCredentials(text: string): void {
    for (const secret of [token, 'pa55word', 'hunter2-value']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`)
  }

  it('dumps the request and the response, with the secret value and the credentials redacted', async () => {
    const r = await runCli(['secret', 'create', 'db-password', '--from-literal', 'hunter2-value', '-g', gw.url], {env: {...env, OPENFAAS_DUMP_HTTP: 'true'}})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(gw.requests.at(-1)!.body.includes('hunter2-value'), true, 'the gateway still gets the value')
    assertNoCredentials(r.stderr + r.stdout)
    assert.match(r.stderr, new RegExp(`^> POST ${gw.url}/system/secrets$`, 'm'))
    assert.match(r.stderr, /^> authorization: Basic REDACTED$/m)
    assert.match(r.stderr, /^> content-type: application\/json$/m)
    assert.match(r.stderr, /^> \{"name":"db-password","value":"REDACTED"\}$/m)
    assert.match(r.stderr, /^< 20[01] \w+/m)
    // stdout keeps only the command's own output
    assert.doesNotMatch(r.stdout, /^[<>] /m)
  })

  it('shows response bodies; only "true" turns the dump on', async () => {
    const r = await runCli(['secret', 'list', '-g', gw.url], {env: {...env, OPENFAAS_DUMP_HTTP: 'true'}})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, new RegExp(`^> GET ${gw.url}/system/secrets$`, 'm'))
    assert.match(r.stderr, /^< 200 OK/m)
    assert.match(r.stderr, /^< \[\{"name":"db-password"/m)
    assertNoCredentials(r.stderr)
    // anything but "true" leaves the output alone, as in faas-cli
    const quiet = await runCli(['secret', 'list', '-g', gw.url], {env: {...env, OPENFAAS_DUMP_HTTP: '1'}})
    assert.doesNotMatch(quiet.stderr, /^> GET/m)
  })

  it('cuts long bodies at 4 KiB and does not show streamed ones', async () => {
    const big = await startTestGateway({secrets: Array.from({length: 300}, (_, i) => ({name: `secret-number-${i}`}))})
    try {
      let text = ''
      const sink = {write: (chunk: string) => ((text += chunk), true)} as unknown as NodeJS.WritableStream
      const client = new GatewayClient({gateway: big.url, env: {OPENFAAS_DUMP_HTTP: 'true'}, debugStream: sink})
      const res = await client.request('GET', '/system/secrets')
      assert.ok(res.body.length > 8000)
      assert.match(text, /^< \[\{"name":"secret-number-0"/m)
      assert.match(text, new RegExp(`… \\(${JSON.stringify(JSON.parse(res.body)).length - 4096} more characters\\)`))
      text = ''
      const stream = await client.stream('GET', '/system/secrets')
      stream.body.resume()
      assert.match(text, /^< 200 OK .*\n(< .*\n)*<\n< \(streamed body not shown\)$/m)
    } finally {
      await big.close()
    }
  })

  it('redacts headers, URL passwords and credential fields of JSON and form bodies', () => {
    assert.deepEqual(redactHeaders({Authorization: 'Bearer abc.def', cookie: 'sid=1', accept: 'x'}), {Authorization: 'Bearer REDACTED', cookie: 'REDACTED', accept: 'x'})
    assert.equal(redactUrl('http://admin:pw@host:8080/a?token=t&x=1'), 'http://admin:REDACTED@host:8080/a?token=REDACTED&x=1')
    assert.equal(redactBody('{"name":"s","value":"v","rawValue":"cg==","nested":{"access_token":"t"}}'), '{"name":"s","value":"REDACTED","rawValue":"REDACTED","nested":{"access_token":"REDACTED"}}')
    assert.equal(redactBody('grant_type=x&subject_token=abc&scope=function', 'application/x-www-form-urlencoded'), 'grant_type=x&subject_token=REDACTED&scope=function')
    assert.equal(redactBody('plain text'), 'plain text')
  })
})
