// `faas namespace …` (ns) and the hidden, deprecated `namespaces`.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {runCli} from '../helpers/cli.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

describe('namespace', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({namespaces: ['openfaas-fn', 'staging']})
  })
  after(() => gw.close())

  it('list / ns ls / -j', async () => {
    const r = await runCli(['namespace', 'list', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'Namespaces:\n - openfaas-fn\n - staging\n')
    const j = await runCli(['ns', 'ls', '-j', '-g', gw.url])
    assert.deepEqual(JSON.parse(j.stdout), ['openfaas-fn', 'staging'])
  })

  it('create, get, update and remove send the SDK\'s requests', async () => {
    gw.clearRequests()
    const c = await runCli(['namespace', 'create', 'team-a', '-l', 'team=a', '--annotation', 'owner=alice', '-g', gw.url])
    assert.equal(c.code, 0, c.stderr)
    assert.equal(c.stdout, 'Namespace Created: team-a\n')
    assert.equal(gw.requests[0].path, '/system/namespace/')
    assert.deepEqual(gw.requests[0].json, {name: 'team-a', annotations: {openfaas: '1', owner: 'alice'}, labels: {openfaas: '1', team: 'a'}})
    const g = await runCli(['ns', 'get', 'team-a', '-g', gw.url])
    assert.equal(g.stdout, 'Name: team-a\nLabels:\n  openfaas: 1\n  team: a\nAnnotations:\n  openfaas: 1\n  owner: alice\n')
    const u = await runCli(['namespace', 'update', 'team-a', '-l', 'team=b', '-g', gw.url])
    assert.equal(u.code, 0, u.stderr)
    assert.equal(gw.requests.at(-1)!.path, '/system/namespace/team-a')
    assert.equal(gw.requests.at(-1)!.method, 'PUT')
    assert.equal(gw.namespaces.get('team-a')?.labels?.team, 'b')
    const rm = await runCli(['ns', 'rm', 'team-a', '-g', gw.url])
    assert.equal(rm.code, 0, rm.stderr)
    assert.deepEqual(gw.requests.at(-1)!.json, {name: 'team-a', labels: {openfaas: '1'}})
    assert.equal(gw.namespaces.has('team-a'), false)
  })

  it('get of an unknown namespace, 401, and a provider without namespace support (501) fail with a hint', async () => {
    const g = await runCli(['namespace', 'get', 'ghost', '-g', gw.url])
    assert.equal(g.code, 1)
    assert.match(g.stderr, /Namespace ghost not found/)
    gw.fault({path: '/system/namespaces', status: 401, times: 1})
    const l = await runCli(['namespace', 'list', '-g', gw.url])
    assert.equal(l.code, 1)
    assert.match(l.stderr, /Check authorization, status code: 401\nHint: /)
    const ce = await startTestGateway({namespaceMutationUnsupported: true})
    try {
      const c = await runCli(['namespace', 'create', 'x', '-g', ce.url])
      assert.equal(c.code, 1)
      assert.match(c.stderr, /cannot create namespace x: Feature not implemented/)
      assert.match(c.stderr, /Hint: .*provider/)
    } finally {
      await ce.close()
    }
  })

  it('the hidden "namespaces" still works and says where it moved (on stderr)', async () => {
    const r = await runCli(['namespaces', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'Namespaces:\n - openfaas-fn\n - staging\n')
    assert.match(r.stderr, /deprecated.*namespace list/)
  })
})
