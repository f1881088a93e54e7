// `faas remove` / `rm` / `delete`: by name or the whole stack (namespaces, --parallel, order),
// and failures exit 1 (faas-cli ignored them in stack mode, §10).
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {runCli, tempDir} from '../helpers/cli.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot']

describe('remove', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({namespaces: ['openfaas-fn', 'staging'], latencyMs: 20})
  })
  after(() => gw.close())

  function seed(): void {
    for (const n of names) gw.setFunction({name: n, image: `${n}:1`})
    gw.setFunction({name: 'env', namespace: 'staging', image: 'env:1'})
  }

  it('removes one function by name with faas-cli\'s lines; rm and delete are aliases', async () => {
    seed()
    gw.clearRequests()
    const r = await runCli(['remove', 'alpha', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'Deleting: alpha.\nRemoving old function.\n')
    assert.deepEqual(gw.requests[0].json, {functionName: 'alpha'})
    assert.equal((await runCli(['rm', 'bravo', '-g', gw.url])).code, 0)
    const d = await runCli(['delete', 'env', '-n', 'staging', '-g', gw.url])
    assert.equal(d.code, 0, d.stderr)
    assert.equal(d.stdout, 'Deleting: env.staging\nRemoving old function.\n')
    assert.deepEqual(gw.requests.at(-1)!.json, {functionName: 'env', namespace: 'staging'})
    assert.equal(gw.getFunction('bravo'), undefined)
  })

  it('an unknown function is an error, exit 1', async () => {
    const r = await runCli(['remove', 'ghost', '-g', gw.url])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: No existing function to remove: ghost/)
  })

  it('removes every stack function concurrently, output in stack order, namespace from the stack or -n', async () => {
    seed()
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'stack.yaml'), `provider:\n  name: openfaas\nfunctions:\n${names.map((n) => `  ${n}:\n    image: ${n}:1\n`).join('')}  env:\n    image: env:1\n    namespace: staging\n`)
    gw.clearRequests()
    const r = await runCli(['remove', '-g', gw.url, '--parallel', '4'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, [...names.map((n) => `Deleting: ${n}.\nRemoving old function.\n`), 'Deleting: env.staging\nRemoving old function.\n'].join(''))
    assert.deepEqual(gw.requests.map((q) => JSON.stringify(q.json)).sort(), [...names.map((n) => JSON.stringify({functionName: n})), JSON.stringify({functionName: 'env', namespace: 'staging'})].sort())
    assert.equal(gw.functions.size, 0)
  })

  it('a stack with a failure exits 1 (faas-cli quirk §10: remove -f ignored delete failures)', async () => {
    seed()
    gw.functions.delete('openfaas-fn/charlie')
    gw.fault({method: 'DELETE', status: 500, body: 'broken', times: 1})
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'stack.yaml'), `provider:\n  name: openfaas\nfunctions:\n  alpha:\n    image: a\n  charlie:\n    image: c\n  delta:\n    image: d\n`)
    const r = await runCli(['remove', '-g', gw.url, '--parallel', '1'], {cwd})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^alpha: server returned unexpected status code: 500 - broken$/m)
    assert.match(r.stderr, /^charlie: No existing function to remove: charlie$/m)
    assert.match(r.stderr, /^Error: 2 of 3 functions could not be removed: alpha, charlie$/m)
    assert.equal(gw.getFunction('delta'), undefined)
  })

  it('needs a name or a stack', async () => {
    const r = await runCli(['remove', '-g', gw.url])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /Please provide the name of a function to delete/)
  })
})
