// `faas store …`: the shipped index (offline), --url / OPENFAAS_STORE, platforms, and store deploy.
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {cleanEnv, repoRoot, runCli, tempDir} from '../helpers/cli.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

const customStore = {
  version: '0.2.1',
  functions: [
    {name: 'figlet', title: 'figlet', author: 'openfaas', description: 'ASCII banners', fprocess: 'figlet', images: {x86_64: 'ghcr.io/openfaas/figlet:latest', arm64: 'ghcr.io/openfaas/figlet:latest'}, environment: {write_timeout: '10s'}, labels: {'com.openfaas.ui.ext': 'txt'}, readOnlyRootFilesystem: true},
    {name: 'qrcode', title: 'QR code generator: text in, PNG image out', description: 'QR', images: {x86_64: 'ghcr.io/acme/qrcode:0.3.1'}},
    {name: 'armonly', title: 'Arm only', author: 'x', images: {armhf: 'x/armonly:1'}},
  ],
}

describe('store', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({namespaces: ['openfaas-fn', 'staging']})
    gw.serve('/store/functions.json', customStore)
  })
  after(() => gw.close())

  it('ships an index of at least 15 real functions with x86_64 and arm64 images', () => {
    const shipped = JSON.parse(readFileSync(path.join(repoRoot, 'function-store.json'), 'utf8')) as typeof customStore
    const both = shipped.functions.filter((f) => (f.images as unknown as Record<string, string>).x86_64 && (f.images as unknown as Record<string, string>).arm64)
    assert.ok(both.length >= 15, `${both.length} functions have both platforms`)
    for (const f of shipped.functions) {
      assert.match(f.name, /^[a-z0-9-]+$/)
      assert.ok(f.title && f.description, `${f.name} has a title and description`)
      for (const image of Object.values(f.images as unknown as Record<string, string>)) assert.match(image, /^[a-z0-9.-]+(\/[a-z0-9._-]+)+:[\w.-]+$/)
    }
  })

  it('lists the shipped index offline, for this machine\'s platform or -p', async () => {
    const r = await runCli(['store', 'list', '-p', 'x86_64'])
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stdout.split('\n')
    assert.equal(lines[0], '')
    assert.match(lines[1], /^FUNCTION +AUTHOR +DESCRIPTION$/)
    assert.ok(lines.some((l) => /^figlet +openfaas +figlet$/.test(l)))
    const arm = await runCli(['store', 'ls', '-p', 'arm64', '-j'])
    const names = (JSON.parse(arm.stdout) as {name: string}[]).map((f) => f.name)
    assert.ok(names.includes('nodeinfo') && !names.includes('inception'))
  })

  it('--url (over OPENFAAS_STORE) and --verbose=false cut long titles', async () => {
    gw.clearRequests()
    const r = await runCli(['store', 'ls', '-u', `${gw.url}/store/functions.json`, '--verbose=false', '-p', 'x86_64'], {env: cleanEnv({OPENFAAS_STORE: 'http://127.0.0.1:9/nope.json'})})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '\nFUNCTION AUTHOR   DESCRIPTION\nfiglet   openfaas figlet\nqrcode   unknown  QR code generator: text in, PNG image...\n\n')
    assert.equal(gw.requests[0].path, '/store/functions.json')
    const viaEnv = await runCli(['store', 'ls', '-p', 'x86_64'], {env: cleanEnv({OPENFAAS_STORE: `${gw.url}/store/functions.json`})})
    assert.match(viaEnv.stdout, /QR code generator: text in, PNG image out/)
  })

  it('a platform without functions, an unreachable store and a bad index are errors', async () => {
    const none = await runCli(['store', 'ls', '-u', `${gw.url}/store/functions.json`, '-p', 's390x'])
    assert.equal(none.code, 1)
    assert.match(none.stderr, /No functions found in the store for platform 's390x', try one of the following: arm64, armhf, x86_64/)
    const down = await runCli(['store', 'ls', '-u', 'http://127.0.0.1:9/functions.json'])
    assert.equal(down.code, 1)
    assert.match(down.stderr, /^Error: Cannot connect to OpenFaaS store at URL: http:\/\/127\.0\.0\.1:9\/functions\.json\nHint: /)
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'broken.json'), '{"functions": 3}')
    const bad = await runCli(['store', 'ls', '-u', 'broken.json'], {cwd})
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /has no "functions" list/)
  })

  it('describe / inspect by name or title, as text and JSON', async () => {
    const r = await runCli(['store', 'describe', 'figlet', '-u', `${gw.url}/store/functions.json`, '-p', 'x86_64'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^Title: +figlet$/m)
    assert.match(r.stdout, /^Image: +ghcr\.io\/openfaas\/figlet:latest$/m)
    assert.match(r.stdout, /^Process: +figlet$/m)
    assert.match(r.stdout, /^- +write_timeout: +10s$/m)
    const j = await runCli(['store', 'inspect', 'QR code generator: text in, PNG image out', '-j', '-u', `${gw.url}/store/functions.json`, '-p', 'x86_64'])
    assert.equal((JSON.parse(j.stdout) as {name: string}).name, 'qrcode')
    const unknown = await runCli(['store', 'inspect', 'no-such-fn', '-p', 'x86_64'])
    assert.equal(unknown.code, 1)
    assert.match(unknown.stderr, /Function 'no-such-fn' not found for platform 'x86_64'/)
  })

  it('deploy sends the store image, process, env, labels; flags add and win', async () => {
    gw.clearRequests()
    const r = await runCli(['store', 'deploy', 'figlet', '--url', `${gw.url}/store/functions.json`, '-p', 'x86_64', '--name', 'my-figlet', '--env', 'EXTRA=1', '--env', 'write_timeout=20s', '--label', 'team=fun', '--annotation', 'note=hi', '-n', 'staging', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `\nDeployed. 202 Accepted.\nURL: ${gw.url}/function/my-figlet.staging\n\n`)
    const puts = gw.requests.filter((q) => q.path === '/system/functions')
    assert.deepEqual(puts.map((q) => q.method), ['PUT', 'POST'])
    assert.deepEqual(puts[1].json, {
      service: 'my-figlet', image: 'ghcr.io/openfaas/figlet:latest', namespace: 'staging', envProcess: 'figlet',
      envVars: {write_timeout: '20s', EXTRA: '1'}, labels: {'com.openfaas.ui.ext': 'txt', team: 'fun'}, annotations: {note: 'hi'}, readOnlyRootFilesystem: true,
    })
  })

  it('deploy from the shipped index works offline too', async () => {
    gw.clearRequests()
    const r = await runCli(['store', 'deploy', 'nodeinfo', '-p', 'arm64', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal((gw.requests.at(-1)!.json as {image: string}).image, 'ghcr.io/openfaas/nodeinfo:latest')
  })
})
