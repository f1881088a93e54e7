// `faas secret …`: the requests, sources of the value, and every failure exits 1 (faas-cli exited
// 0 when create/update failed and called the spec's 204 for a delete a failure, §10).
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {runCli, tempDir} from '../helpers/cli.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

describe('secret', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({namespaces: ['openfaas-fn', 'staging'], secrets: [{name: 'api-key'}, {name: 'db-password'}, {name: 'staging-key', namespace: 'staging'}]})
  })
  after(() => gw.close())

  it('create --from-literal POSTs the trimmed value', async () => {
    gw.clearRequests()
    const r = await runCli(['secret', 'create', 'token', '--from-literal', '  abc  ', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(gw.requests[0].json, {name: 'token', value: 'abc'})
    assert.equal(r.stdout, 'Created: 201 Created\n')
    assert.equal(gw.secrets.get('openfaas-fn/token')?.value, 'abc')
  })

  it('create --from-file sends value and rawValue; stdin works too', async () => {
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'cert.pem'), 'line1\nline2\n')
    gw.clearRequests()
    const r = await runCli(['secret', 'create', 'cert', '--from-file', 'cert.pem', '-n', 'staging', '-g', gw.url], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(gw.requests[0].json, {name: 'cert', namespace: 'staging', value: 'line1\nline2', rawValue: Buffer.from('line1\nline2\n').toString('base64')})
    const s = await runCli(['secret', 'create', 'from-stdin', '-g', gw.url], {input: 'piped\n'})
    assert.equal(s.code, 0, s.stderr)
    assert.deepEqual(gw.requests[1].json, {name: 'from-stdin', value: 'piped'})
  })

  it('create refuses bad names, two sources and empty values before any request', async () => {
    gw.clearRequests()
    const bad = await runCli(['secret', 'create', 'Bad_Secret', '--from-literal', 'x', '-g', gw.url])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /invalid secret name Bad_Secret/)
    const two = await runCli(['secret', 'create', 'x', '--from-literal', 'a', '--from-file', 'f', '-g', gw.url])
    assert.match(two.stderr, /only one option from --from-literal, --from-file and STDIN/)
    const empty = await runCli(['secret', 'create', 'x', '--from-literal', '   ', '-g', gw.url])
    assert.match(empty.stderr, /Must provide a non empty secret/)
    assert.equal(gw.requests.length, 0)
  })

  it('an existing secret is an error unless --replace, which updates it', async () => {
    const dup = await runCli(['secret', 'create', 'api-key', '--from-literal', 'v2', '-g', gw.url])
    assert.equal(dup.code, 1)
    assert.match(dup.stderr, /secret with the name "api-key" already exists\nHint: .*--replace/)
    gw.clearRequests()
    const rep = await runCli(['secret', 'create', 'api-key', '--from-literal', 'v2', '--replace', '-g', gw.url])
    assert.equal(rep.code, 0, rep.stderr)
    assert.deepEqual(gw.requests.map((q) => q.method), ['POST', 'PUT'])
    assert.equal(rep.stdout, 'Updated: 200 OK\n')
    assert.equal(gw.secrets.get('openfaas-fn/api-key')?.value, 'v2')
  })

  it('create and update exit 1 on server errors (faas-cli quirk §10: exit 0)', async () => {
    gw.fault({method: 'POST', path: '/system/secrets', status: 500, body: 'vault sealed', times: 1})
    const c = await runCli(['secret', 'create', 'x1', '--from-literal', 'v', '-g', gw.url])
    assert.equal(c.code, 1)
    assert.match(c.stderr, /^Error: server returned unexpected status code: 500 - vault sealed$/m)
    gw.fault({method: 'PUT', path: '/system/secrets', status: 401, times: 1})
    const u = await runCli(['secret', 'update', 'api-key', '--from-literal', 'v', '-g', gw.url])
    assert.equal(u.code, 1)
    assert.match(u.stderr, /unauthorized access/)
  })

  it('update (and its alias u) PUTs the value; an unknown secret is an error', async () => {
    gw.clearRequests()
    const r = await runCli(['secret', 'u', 'db-password', '--from-literal', 'new', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(gw.requests[0].json, {name: 'db-password', value: 'new'})
    assert.equal(gw.requests[0].method, 'PUT')
    const missing = await runCli(['secret', 'update', 'ghost', '--from-literal', 'v', '-g', gw.url])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /unable to find secret: ghost/)
  })

  it('list prints the NAME table, -j prints JSON, ls is an alias', async () => {
    gw.secrets.set('listing/one', {name: 'one', namespace: 'listing', value: 'x'})
    gw.secrets.set('listing/two', {name: 'two', namespace: 'listing', value: 'x'})
    const r = await runCli(['secret', 'list', '-n', 'listing', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '\nNAME\none\ntwo\n\n')
    const j = await runCli(['secret', 'ls', '-j', '-g', gw.url])
    const names = (JSON.parse(j.stdout) as {name: string}[]).map((s) => s.name)
    assert.ok(names.includes('api-key') && names.includes('db-password'))
    const none = await runCli(['secret', 'list', '-n', 'nothing-here', '-g', gw.url])
    assert.equal(none.code, 0)
    // faas-cli prints this on stdout (a script reading the list sees it there)
    assert.equal(none.stdout, 'No secrets found.\n')
    assert.equal(none.stderr, '')
  })

  it('remove accepts 200 and the spec\'s 204 (faas-cli quirk §10), and fails on 404', async () => {
    const r = await runCli(['secret', 'remove', 'db-password', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'Removed.. OK.\n')
    assert.deepEqual(gw.requests.at(-1)!.json, {name: 'db-password'})
    gw.setFunction({name: 'unused', image: 'x'})
    gw.secrets.set('openfaas-fn/tmp', {name: 'tmp', namespace: 'openfaas-fn', value: 'x'})
    gw.fault({method: 'DELETE', path: '/system/secrets', status: 204, body: '', times: 1})
    const spec = await runCli(['secret', 'rm', 'tmp', '-g', gw.url])
    assert.equal(spec.code, 0, spec.stderr)
    const missing = await runCli(['secret', 'delete', 'ghost', '-g', gw.url])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /Unable to find secret: ghost/)
  })

  it('apply pushes every valid file of ./.secrets, re-creating existing ones', async () => {
    const cwd = tempDir()
    mkdirSync(path.join(cwd, '.secrets'))
    writeFileSync(path.join(cwd, '.secrets', 'api-key'), 'k2\n')
    writeFileSync(path.join(cwd, '.secrets', 'fresh'), 'f1')
    writeFileSync(path.join(cwd, '.secrets', 'Bad_Name'), 'x')
    writeFileSync(path.join(cwd, '.secrets', 'empty'), '  \n')
    gw.clearRequests()
    const r = await runCli(['secret', 'apply', '-g', gw.url], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(gw.requests.map((q) => `${q.method} ${(q.json as {name?: string} | undefined)?.name ?? ''}`), ['GET ', 'DELETE api-key', 'POST api-key', 'POST fresh'])
    assert.deepEqual(gw.requests[2].json, {name: 'api-key', value: 'k2', rawValue: Buffer.from('k2\n').toString('base64')})
    assert.match(r.stderr, /Skipping invalid secret name: Bad_Name/)
    assert.match(r.stderr, /Skipping empty secret: empty/)
    assert.match(r.stderr, /Secret api-key exists, deleting before recreating\.\.\./)
    const none = await runCli(['secret', 'apply', '-g', gw.url], {cwd: tempDir()})
    assert.equal(none.code, 1)
    assert.match(none.stderr, /Secrets directory does not exist: /)
  })

  it('generate prints random base64 of --length bytes, or writes it 0600 with -o', async () => {
    const a = await runCli(['secret', 'generate'])
    const b = await runCli(['secret', 'gen', '--length', '48'])
    assert.equal(Buffer.from(a.stdout.trim(), 'base64').length, 32)
    assert.equal(Buffer.from(b.stdout.trim(), 'base64').length, 48)
    assert.notEqual(a.stdout, (await runCli(['secret', 'generate'])).stdout)
    const cwd = tempDir()
    const o = await runCli(['secret', 'generate', '-o', '.secrets/new-key'], {cwd})
    assert.equal(o.code, 0, o.stderr)
    assert.equal(o.stdout, '')
    assert.equal(Buffer.from(readFileSync(path.join(cwd, '.secrets', 'new-key'), 'utf8'), 'base64').length, 32)
    assert.equal(statSync(path.join(cwd, '.secrets', 'new-key')).mode & 0o777, 0o600)
  })
})
