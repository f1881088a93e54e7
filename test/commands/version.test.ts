import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {cleanEnv, repoRoot, runCli} from '../helpers/cli.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

const pkg = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as {name: string; version: string}

describe('faas version', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway()
  })
  after(async () => gw.close())

  it('--short-version prints only the version and sends no request', async () => {
    const n = gw.requests.length
    const r = await runCli(['version', '--short-version', '-g', gw.url])
    assert.equal(r.code, 0)
    assert.equal(r.stdout, `${pkg.version}\n`)
    assert.equal(gw.requests.length, n)
  })

  it('--version (the fast path) prints what oclif prints', async () => {
    const r = await runCli(['--version'])
    assert.equal(r.code, 0)
    assert.equal(r.stdout, `${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
    // oclif's own --version and `version --short-version`, without the fast path of bin/run.js
    const bundle = path.join(repoRoot, 'dist', 'bundle')
    const general = (args: string[]) =>
      spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(bundle, 'loader.cjs'))}).loadEntry(${JSON.stringify(path.join(bundle, 'faas.cjs'))}).main(${JSON.stringify(args)})`], {encoding: 'utf8', env: cleanEnv()})
    const full = general(['--version'])
    assert.equal(full.stdout, r.stdout, full.stderr)
    const short = general(['version', '--short-version'])
    assert.equal(short.stdout, `${pkg.version}\n`, short.stderr)
  })

  it('shows CLI, gateway and provider versions from /system/info', async () => {
    const r = await runCli(['version', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`CLI:\\n  commit:  \\S+\\n  version: ${pkg.version.replaceAll('.', '\\.')}\\n`))
    assert.match(r.stdout, new RegExp(`Gateway\\n uri:     ${gw.url}\\n version: \\S*`))
    assert.match(r.stdout, /Provider\n name:          \S+/)
    assert.equal(gw.requests.at(-1)?.path, '/system/info')
  })

  it('-j prints the report as JSON on stdout and nothing else', async () => {
    const r = await runCli(['version', '-g', gw.url, '-j'])
    assert.equal(r.code, 0, r.stderr)
    const report = JSON.parse(r.stdout)
    assert.equal(report.cli.version, pkg.version)
    assert.equal(report.gateway.uri, gw.url)
    assert.equal(typeof report.provider.name, 'string')
  })

  it('works offline: an unreachable gateway leaves the sections out, exit 0, no update check', async () => {
    const r = await runCli(['version', '-g', 'http://127.0.0.1:1'], {env: cleanEnv({FAAS_UPDATE_URL: 'http://127.0.0.1:1/never'})})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /CLI:/)
    assert.doesNotMatch(r.stdout, /Gateway/)
  })

  it('-j works with no gateway reachable: gateway and provider are null, exit 0', async () => {
    const r = await runCli(['version', '-g', 'http://127.0.0.1:1', '-j'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    const report = JSON.parse(r.stdout)
    assert.equal(report.cli.version, pkg.version)
    assert.equal(report.gateway, null)
    assert.equal(report.provider, null)
  })

  it('--warn-update given explicitly checks the registry (and fails clearly offline)', async () => {
    const r = await runCli(['version', '-g', gw.url, '--warn-update'], {env: cleanEnv({FAAS_UPDATE_URL: `${gw.url}/no-such-path`})})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /Unable to find latest version online/)
  })
})
