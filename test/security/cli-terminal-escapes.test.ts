/**
 * Attack: a gateway, a function store or a template store puts terminal escape sequences and
 * other control characters into names, labels, descriptions, status lines and error bodies. The
 * CLI must never write them raw to a terminal: in human output they appear escaped (`\x1b`),
 * a newline inside a name cannot fake a table row, and --json output still carries the exact
 * data.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {runCli, tempDir} from '../helpers/cli.js'
import {type HostileServer, startHostileServer} from './cli-helpers.js'

// window title (OSC), clear screen (CSI), an 8-bit CSI (C1), a bidi override, and CR/LF with a fake row
const EVIL = 'evil\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e\r\nfake-fn    999    1'
/** What must never reach the output raw: C0 (but tab and newline), DEL, C1, bidi controls. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

function assertNoRawControl(result: {stdout: string; stderr: string}, what: string): void {
  for (const [stream, text] of [['stdout', result.stdout], ['stderr', result.stderr]] as const) {
    const m = RAW_CONTROL.exec(text)
    assert.equal(m, null, `${what}: raw U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} on ${stream}: ${JSON.stringify(text.slice(0, 600))}`)
  }
}

const evilMap = {[EVIL]: EVIL, plain: EVIL}
const evilFunction = {
  name: 'figlet', image: EVIL, envProcess: EVIL, labels: evilMap, annotations: evilMap, envVars: evilMap,
  constraints: [EVIL], secrets: [EVIL], requests: {cpu: EVIL, memory: EVIL}, limits: {memory: EVIL},
  replicas: 1, availableReplicas: 1, invocationCount: 2, createdAt: EVIL,
}

describe('security: remote text never reaches the terminal raw', () => {
  let server: HostileServer
  let failing: HostileServer
  let writes: HostileServer
  before(async () => {
    server = await startHostileServer({
      '/system/functions': {body: [{name: EVIL, image: EVIL, replicas: 1, invocationCount: 1}, evilFunction]},
      '/system/function/figlet': {body: evilFunction},
      '/system/secrets': {body: [{name: EVIL}, {name: 'plain'}]},
      '/system/namespaces': {body: [EVIL, 'openfaas-fn']},
      '/system/namespace/team': {body: {name: EVIL, labels: {openfaas: '1', team: EVIL}, annotations: {openfaas: '1', [EVIL]: 'x'}}},
      '/system/info': {body: {provider: {provider: EVIL, orchestration: EVIL, version: {release: EVIL, sha: EVIL}}, version: {release: EVIL, sha: EVIL}, arch: EVIL}},
      '/system/logs': {body: `${JSON.stringify({name: EVIL, namespace: 'openfaas-fn', instance: EVIL, timestamp: '2024-01-02T03:04:05Z', text: 'hello'})}\n`},
      '/functions.json': {body: {functions: [{name: 'nodeinfo', title: EVIL, author: EVIL, description: EVIL, images: {x86_64: EVIL}, fprocess: EVIL, repo_url: EVIL, environment: evilMap, labels: evilMap}]}},
      '/templates.json': {body: [{template: 'evil-t', platform: 'x86_64', language: EVIL, source: EVIL, description: EVIL, repo: EVIL, official: 'false'}]},
    })
    failing = await startHostileServer({'*': {status: 500, body: `${EVIL}\n${EVIL}`}})
    writes = await startHostileServer({
      '/system/secrets': {status: 201, statusText: 'Cre\x9bated'},
      '/system/functions': {status: 202, statusText: 'Acc\x9bepted'},
    })
  })
  after(async () => {
    await server.close()
    await failing.close()
    await writes.close()
  })

  const reads: Array<[string, string[], RegExp]> = [
    ['list', ['list'], /^evil\\x1b\]0;pwned\\x07\\x1b\[2J\\x9b31m\\u202e\\r\\nfake-fn/m],
    ['list -v', ['list', '-v'], /evil\\x1b\]0;pwned/],
    ['list -q', ['list', '-q'], /^evil\\x1b/m],
    ['describe', ['describe', 'figlet', '-v'], /^Image:\s+evil\\x1b\]0;pwned/m],
    ['secret list', ['secret', 'list'], /^evil\\x1b/m],
    ['namespace list', ['namespace', 'list'], /^ - evil\\x1b/m],
    ['namespace get', ['namespace', 'get', 'team'], /^Name: evil\\x1b/m],
    ['version', ['version'], /name:\s+evil\\x1b/],
    ['logs', ['logs', 'figlet', '--tail=false', '--name', '--instance'], / evil\\x1b.* \(evil\\x1b.*\) hello$/m],
  ]
  for (const [what, args, shown] of reads) {
    it(`${what}: escapes control characters from the gateway`, async () => {
      const result = await runCli([...args, '-g', server.url])
      assert.equal(result.code, 0, result.stderr)
      assertNoRawControl(result, what)
      assert.match(result.stdout, shown)
    })
  }

  it('a newline in a name cannot add a row to the list', async () => {
    const result = await runCli(['list', '-g', server.url])
    assert.equal(result.stdout.trimEnd().split('\n').length, 3, result.stdout)
    assert.doesNotMatch(result.stdout, /^fake-fn/m)
  })

  it('diff shows the deployed values escaped', async () => {
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'stack.yaml'), `version: 1.0\nprovider:\n  name: openfaas\n  gateway: ${server.url}\nfunctions:\n  figlet:\n    image: figlet:latest\n`)
    const result = await runCli(['diff'], {cwd})
    assertNoRawControl(result, 'diff')
    assert.match(result.stdout, /\+ image: evil\\x1b/)
  })

  it('store list and store describe escape the store index', async () => {
    for (const args of [['store', 'list'], ['store', 'describe', 'nodeinfo']]) {
      const result = await runCli([...args, '--url', `${server.url}/functions.json`, '-p', 'x86_64'])
      assert.equal(result.code, 0, result.stderr)
      assertNoRawControl(result, args.join(' '))
      assert.match(result.stdout, /evil\\x1b\]0;pwned/)
    }
  })

  it('template store list and describe escape the template index', async () => {
    for (const args of [['template', 'store', 'list', '-v'], ['template', 'store', 'describe', 'evil-t']]) {
      const result = await runCli([...args, '--url', `${server.url}/templates.json`])
      assert.equal(result.code, 0, result.stderr)
      assertNoRawControl(result, args.join(' '))
      assert.match(result.stdout, /evil\\x1b\]0;pwned/)
    }
  })

  it('errors that quote a gateway answer escape it', async () => {
    for (const args of [['list'], ['describe', 'figlet'], ['secret', 'list'], ['namespace', 'list'], ['remove', 'figlet'], ['ready', 'figlet', '--attempts', '1']]) {
      const result = await runCli([...args, '-g', failing.url])
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stdout}`)
      assertNoRawControl(result, args.join(' '))
      // shown escaped (namespace errors quote the body as a JSON string: \u001b)
      assert.match(result.stderr, /evil\\(x1b|u001b)\]0;pwned/, result.stderr)
    }
  })

  it('status lines from the gateway are escaped (secret create, deploy)', async () => {
    const secret = await runCli(['secret', 'create', 'api-key', '--from-literal', 'v', '-g', writes.url])
    assert.equal(secret.code, 0, secret.stderr)
    assertNoRawControl(secret, 'secret create')
    assert.match(secret.stdout, /Created: 201 Cre\\x9bated/)
    const deploy = await runCli(['deploy', '--image', 'figlet:latest', '--name', 'figlet', '-g', writes.url])
    assert.equal(deploy.code, 0, deploy.stderr)
    assertNoRawControl(deploy, 'deploy')
    assert.match(deploy.stdout, /Deployed\. 202 Acc\\x9bepted\./)
  })

  it('--json keeps the exact data', async () => {
    const list = await runCli(['list', '--json', '-g', server.url])
    assert.equal((JSON.parse(list.stdout) as Array<{name: string}>)[0].name, EVIL)
    const described = await runCli(['describe', 'figlet', '--json', '-g', server.url])
    assert.equal((JSON.parse(described.stdout) as {image: string}).image, EVIL)
    const secrets = await runCli(['secret', 'list', '--json', '-g', server.url])
    assert.equal((JSON.parse(secrets.stdout) as Array<{name: string}>)[0].name, EVIL)
  })
})
