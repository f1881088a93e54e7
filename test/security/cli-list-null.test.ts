/**
 * Attack: a gateway or a store index puts `null` (or a number, a string, an object without a
 * name) among the items of a list answer. Before, that surfaced as the internal "this looks like
 * a bug in faas" error. Now such items are skipped in every list and the well-formed ones are
 * shown, exit 0.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {runCli} from '../helpers/cli.js'
import {type HostileServer, startHostileServer} from './cli-helpers.js'

const fn = {name: 'figlet', image: 'ghcr.io/openfaas/figlet:latest', invocationCount: 3, replicas: 1, availableReplicas: 1, createdAt: '2024-01-02T03:04:05Z'}
const storeFn = {name: 'nodeinfo', title: 'NodeInfo', author: 'openfaas', images: {x86_64: 'ghcr.io/openfaas/nodeinfo:latest'}}
const junk = [null, 7, 'x', true, [], {image: 'no-name'}, {name: 12}]

describe('security: malformed items in list answers are skipped, not a crash', () => {
  let server: HostileServer
  before(async () => {
    server = await startHostileServer({
      '/system/functions': {body: [...junk, fn]},
      '/system/function/figlet': {body: fn},
      '/system/function/weird': {body: [null]},
      '/system/secrets': {body: [...junk, {name: 'api-key'}]},
      '/system/namespaces': {body: [null, 7, true, [], {name: 'not-a-string-item'}, 'openfaas-fn']},
      '/system/namespace/odd': {body: null},
      '/functions.json': {body: {version: '0.2.0', functions: [...junk, storeFn]}},
      '/templates.json': {body: [...junk, {template: 'golang-http', platform: 'x86_64', language: 'Go', source: 'openfaas', description: 'Go HTTP', repo: 'https://github.com/openfaas/golang-http-template', official: 'true'}]},
    })
  })
  after(() => server.close())

  const cases: Array<[string, string[], RegExp]> = [
    ['list', ['list'], /^figlet\s+3\s+1\s*$/m],
    ['list -v', ['list', '-v'], /^figlet\s+ghcr\.io\/openfaas\/figlet:latest\s+3\s+1/m],
    ['list -q', ['list', '-q'], /^figlet\n$/],
    ['list --sort invocations', ['list', '--sort', 'invocations'], /^figlet\s+3/m],
    ['list --sort creation', ['list', '--sort', 'creation'], /^figlet\s+3/m],
    ['describe', ['describe', 'figlet'], /^Invocations:\s+3$/m],
    ['secret list', ['secret', 'list'], /^api-key\s*$/m],
    ['namespace list', ['namespace', 'list'], /^Namespaces:\n - openfaas-fn\n$/],
  ]
  for (const [what, args, expected] of cases) {
    it(`${what}: shows the good items, exit 0`, async () => {
      const result = await runCli([...args, '-g', server.url])
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stdout, expected)
      assert.doesNotMatch(result.stderr, /looks like a bug/)
    })
  }

  it('list --json carries only the well-formed items', async () => {
    const result = await runCli(['list', '--json', '-g', server.url])
    assert.equal(result.code, 0, result.stderr)
    assert.deepEqual((JSON.parse(result.stdout) as Array<{name: string}>).map((f) => f.name), ['figlet'])
  })

  it('a single-function or namespace answer that is not an object is a clear error, not a bug', async () => {
    for (const args of [['describe', 'weird'], ['namespace', 'get', 'odd']]) {
      const result = await runCli([...args, '-g', server.url])
      assert.equal(result.code, 1, result.stdout)
      assert.match(result.stderr, /^Error: the gateway sent .*(function weird|namespace odd)/m)
      assert.doesNotMatch(result.stderr, /looks like a bug/)
    }
  })

  it('store list and store describe skip malformed store entries', async () => {
    const list = await runCli(['store', 'list', '--url', `${server.url}/functions.json`, '-p', 'x86_64'])
    assert.equal(list.code, 0, list.stderr)
    assert.match(list.stdout, /^nodeinfo\s+openfaas\s+NodeInfo\s*$/m)
    const described = await runCli(['store', 'describe', 'nodeinfo', '--url', `${server.url}/functions.json`, '-p', 'x86_64'])
    assert.equal(described.code, 0, described.stderr)
    assert.match(described.stdout, /^Title:\s+NodeInfo$/m)
  })

  it('template store list skips malformed entries', async () => {
    const result = await runCli(['template', 'store', 'list', '--url', `${server.url}/templates.json`])
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /^golang-http\s/m)
  })
})
