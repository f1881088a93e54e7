/**
 * Attack: a server the CLI reads from (a remote stack file, a gateway, a store index, a template
 * tarball) answers without end, or announces gigabytes. The CLI must stop at its cap (see
 * src/util/limits.ts) with one clear error line and a hint, exit 1, never hang or crash V8
 * (`kMaxInt >= len`, "Cannot create a string longer than …"), and read little more than the
 * cap: the server counts what it managed to send.
 */
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {gzipSync} from 'node:zlib'

import {AnswerTooLargeError, GatewayClient} from '../../src/gateway/client.js'
import {MAX_ANSWER_BYTES, MAX_INDEX_BYTES, MAX_LOG_LINE_BYTES, MAX_STACK_BYTES, MAX_TARBALL_BYTES} from '../../src/util/limits.js'
import {cleanEnv, runCli, tempDir} from '../helpers/cli.js'
import {type HostileServer, MiB, startHostileServer, stderrLines} from './cli-helpers.js'

const FUNCTION = '{"name":"figlet","image":"ghcr.io/openfaas/figlet:latest","invocationCount":1,"replicas":1,"availableReplicas":1},'

async function sentTo(server: HostileServer, route: string): Promise<number> {
  for (let i = 0; i < 100 && !server.sent.has(route); i++) await new Promise((r) => setTimeout(r, 20))
  return server.sent.get(route) ?? 0
}

/** One error line naming the cap, a hint, exit 1, and no "bug" fallback. */
function assertCapped(result: {code: number; stdout: string; stderr: string}, cap: RegExp): void {
  assert.equal(result.code, 1, `exit 1, got ${result.code}\nstderr: ${result.stderr.slice(0, 2000)}`)
  const lines = stderrLines(result.stderr)
  assert.match(lines[0] ?? '', /^Error: /, result.stderr.slice(0, 2000))
  assert.match(lines[0], cap)
  assert.match(lines[1] ?? '', /^Hint: /)
  assert.equal(lines.length, 2, result.stderr.slice(0, 2000))
  assert.doesNotMatch(result.stderr, /looks like a bug|kMaxInt|string longer than|heap out of memory/)
}

describe('security: the CLI caps what it reads from remote servers', () => {
  let server: HostileServer
  before(async () => {
    server = await startHostileServer({
      '/stack.yml': {flood: {head: 'version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n', chunk: '# a comment that never ends\n'}},
      '/announced.yml': {headers: {'content-length': String(3 * 1024 * MiB)}, flood: {chunk: '# x\n', max: MiB}},
      '/system/functions': {flood: {head: '[', chunk: FUNCTION}},
      '/system/function/figlet': {flood: {head: '{"name":"figlet","labels":{', chunk: '"k":"v",'}},
      '/system/secrets': {flood: {head: '[', chunk: '{"name":"s"},'}},
      '/system/namespaces': {flood: {head: '[', chunk: '"openfaas-fn",'}},
      '/system/info': {flood: {head: '{"provider":{"provider":"', chunk: 'x'}},
      '/system/logs': {flood: {chunk: 'a log line that never gets its newline '}},
      '/functions.json': {flood: {head: '{"version":"0.2.0","functions":[', chunk: '{"name":"f","title":"t","images":{"x86_64":"i"}},'}},
      '/templates.json': {flood: {head: '[', chunk: '{"template":"t","platform":"x86_64","language":"x","source":"s","description":"d","repo":"r","official":"false"},'}},
      '/tarball.tar.gz': {flood: {chunk: 'not really a tarball '}},
      // 128 MiB of JSON in well under 1 MiB on the wire: the cap counts what is decompressed
      '/system/namespace/bomb': {headers: {'content-encoding': 'gzip'}, body: gzipSync(Buffer.from(`{"name":"bomb","labels":{${'"k":"v",'.repeat(16 * MiB)}"z":"z"}}`))},
    })
  })
  after(() => server.close())

  it('stops reading a remote stack file (-f URL) that streams without end', async () => {
    const result = await runCli(['generate', '-f', `${server.url}/stack.yml`], {timeoutMs: 60_000})
    assertCapped(result, /stack\.yml: it is larger than 8 MiB, more than faas reads/)
    assert.ok(await sentTo(server, '/stack.yml') < MAX_STACK_BYTES + 32 * MiB, 'stopped reading soon after the cap')
  })

  it('refuses a remote stack file whose Content-Length is over the cap before reading it', async () => {
    const result = await runCli(['build', '-f', `${server.url}/announced.yml`], {timeoutMs: 60_000})
    assertCapped(result, /announced\.yml: it is larger than 8 MiB/)
  })

  const gatewayCases: Array<[string, string[], string, RegExp]> = [
    ['list', ['list'], '/system/functions', /\/system\/functions is larger than 64 MiB, more than faas reads/],
    ['describe', ['describe', 'figlet'], '/system/function/figlet', /\/system\/function\/figlet\?usage=1 is larger than 64 MiB/],
    ['secret list', ['secret', 'list'], '/system/secrets', /\/system\/secrets is larger than 64 MiB/],
    ['namespace list', ['namespace', 'list'], '/system/namespaces', /\/system\/namespaces is larger than 64 MiB/],
  ]
  for (const [what, args, route, message] of gatewayCases) {
    it(`stops reading a gateway answer without end: ${what}`, async () => {
      const result = await runCli([...args, '-g', server.url], {timeoutMs: 60_000})
      assertCapped(result, message)
      assert.equal(result.stdout, '')
      assert.ok(await sentTo(server, route) < MAX_ANSWER_BYTES + 32 * MiB, 'stopped reading soon after the cap')
    })
  }

  it('stops reading a gateway answer without end: version --json (the gateway is then null, as when unreachable)', async () => {
    const result = await runCli(['version', '--json', '-g', server.url], {timeoutMs: 60_000})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(JSON.parse(result.stdout).gateway, null)
    assert.ok(await sentTo(server, '/system/info') < MAX_ANSWER_BYTES + 32 * MiB, 'stopped reading soon after the cap')
  })

  it('counts decompressed bytes: a gzip bomb from the gateway stops at the cap', async () => {
    const result = await runCli(['namespace', 'get', 'bomb', '-g', server.url], {timeoutMs: 60_000})
    assertCapped(result, /\/system\/namespace\/bomb is larger than 64 MiB/)
  })

  it('keeps `version` (text) working when the gateway floods it: the gateway section is left out', async () => {
    const result = await runCli(['version', '-g', server.url], {timeoutMs: 60_000})
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^CLI:/)
    assert.doesNotMatch(result.stdout, /Gateway/)
  })

  it('stops at one log line without end, and says so', async () => {
    const result = await runCli(['logs', 'figlet', '-g', server.url, '--tail=false'], {timeoutMs: 60_000})
    assertCapped(result, /the gateway sent a log line longer than 16 MiB/)
    assert.ok(await sentTo(server, '/system/logs') < MAX_LOG_LINE_BYTES + 32 * MiB)
  })

  it('stops reading a function store index without end (store list --url)', async () => {
    const result = await runCli(['store', 'list', '--url', `${server.url}/functions.json`], {timeoutMs: 60_000})
    assertCapped(result, /functions\.json is larger than 8 MiB/)
    assert.ok(await sentTo(server, '/functions.json') < MAX_INDEX_BYTES + 32 * MiB)
  })

  it('stops reading a template store index without end (template store list --url)', async () => {
    const result = await runCli(['template', 'store', 'list', '--url', `${server.url}/templates.json`], {timeoutMs: 60_000})
    assertCapped(result, /templates\.json is larger than 8 MiB/)
    assert.ok(await sentTo(server, '/templates.json') < MAX_INDEX_BYTES + 32 * MiB)
  })

  it('stops the template tarball download (degit fast path) at its cap and leaves no partial file', async () => {
    // the fast path only serves github/gitlab/bitbucket, which tests cannot reach: this drives the
    // download that degit is given (src/templates/fetch.ts) against the loopback server instead
    assert.equal(MAX_TARBALL_BYTES, 128 * MiB)
    const client = new GatewayClient({gateway: server.url, env: cleanEnv()})
    const file = path.join(tempDir(), 'repo.tar.gz')
    await assert.rejects(client.download(`${server.url}/tarball.tar.gz`, file, 4 * MiB), (error: unknown) => {
      assert.ok(error instanceof AnswerTooLargeError, String(error))
      assert.match(error.message, /tarball\.tar\.gz is larger than 4 MiB, more than faas reads/)
      return true
    })
    assert.equal(existsSync(file), false, 'no partial tarball left (degit would take it from its cache next time)')
  })
})
