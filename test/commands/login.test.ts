import assert from 'node:assert/strict'
import {promises as fs, statSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {cleanEnv, runCli, tempDir} from '../helpers/cli.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

describe('faas login / logout', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({auth: 'admin:s3cret', functions: [{name: 'figlet', image: 'ghcr.io/openfaas/figlet:latest'}]})
  })
  after(async () => gw.close())

  it('checks the credentials with GET /system/functions and saves them 0600', async () => {
    const env = cleanEnv()
    const before = gw.requests.length
    const r = await runCli(['login', '-g', gw.url, '-u', 'admin', '--password-stdin'], {env, input: 's3cret\n'})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`credentials saved for admin ${gw.url}`))
    const req = gw.requests[before]
    assert.equal(req.method, 'GET')
    assert.equal(req.path, '/system/functions')
    assert.equal(req.headers.authorization, `Basic ${Buffer.from('admin:s3cret').toString('base64')}`)
    const file = path.join(env.HOME!, '.openfaas', 'config.yml')
    assert.equal(await fs.readFile(file, 'utf8'), `auths:\n  - gateway: ${gw.url}\n    auth: basic\n    token: YWRtaW46czNjcmV0\n`)
    assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.ok(!r.stdout.includes('s3cret') && !r.stderr.includes('s3cret'), 'the password is never printed')

    // the saved credentials are then used by other commands
    const list = await runCli(['version', '-g', gw.url, '--json'], {env})
    assert.equal(list.code, 0, list.stderr)
    assert.equal(gw.requests.at(-1)?.headers.authorization, `Basic ${Buffer.from('admin:s3cret').toString('base64')}`)

    const out = await runCli(['logout', '-g', gw.url], {env})
    assert.equal(out.code, 0, out.stderr)
    assert.match(out.stdout, new RegExp(`credentials removed for ${gw.url}`))
    assert.equal(await fs.readFile(file, 'utf8'), 'auths: []\n')
  })

  it('FAAS_DEBUG=1 prints each request with the credentials redacted', async () => {
    const env = cleanEnv()
    const login = await runCli(['login', '-g', gw.url, '-s'], {env, input: 's3cret'})
    assert.equal(login.code, 0, login.stderr)
    const r = await runCli(['version', '-g', gw.url], {env: {...env, FAAS_DEBUG: '1'}})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, new RegExp(`GET ${gw.url}/system/info`))
    assert.match(r.stderr, /"authorization":"Basic REDACTED"/)
    const token = Buffer.from('admin:s3cret').toString('base64')
    assert.ok(!r.stderr.includes(token) && !r.stdout.includes(token), 'the token is not printed')
  })

  it('rejects wrong credentials with faas-cli\'s message and saves nothing', async () => {
    const env = cleanEnv()
    const r = await runCli(['login', '-g', gw.url, '-u', 'admin', '-s'], {env, input: 'wrong'})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /Unable to login, either username or password is incorrect/)
    await assert.rejects(fs.stat(path.join(env.HOME!, '.openfaas', 'config.yml')))
  })

  it('warns that --password is insecure, and refuses both sources or an empty password', async () => {
    const env = cleanEnv()
    const r = await runCli(['login', '-g', gw.url, '-p', 's3cret'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /WARNING! Using --password is insecure/)

    const both = await runCli(['login', '-g', gw.url, '-p', 'x', '--password-stdin'], {env, input: 'y'})
    assert.equal(both.code, 1)
    assert.match(both.stderr, /--password and --password-stdin are mutually exclusive/)

    const empty = await runCli(['login', '-g', gw.url, '--password-stdin'], {env, input: '  \n'})
    assert.equal(empty.code, 1)
    assert.match(empty.stderr, /Must provide a non-empty password via --password or --password-stdin/)
  })

  it('writes to ./.openfaas under CI=true and to $OPENFAAS_CONFIG when set', async () => {
    const cwd = tempDir()
    const r = await runCli(['login', '-g', gw.url, '-s'], {cwd, env: cleanEnv({CI: 'true'}), input: 's3cret'})
    assert.equal(r.code, 0, r.stderr)
    await fs.stat(path.join(cwd, '.openfaas', 'config.yml'))

    const cfg = tempDir()
    const r2 = await runCli(['login', '-g', gw.url, '-s'], {env: cleanEnv({CI: 'true', OPENFAAS_CONFIG: cfg}), input: 's3cret'})
    assert.equal(r2.code, 0, r2.stderr)
    await fs.stat(path.join(cfg, 'config.yml'))
  })

  it('explains an unreachable gateway in one line and exits 1', async () => {
    const r = await runCli(['login', '-g', 'http://127.0.0.1:1', '-s'], {input: 'x'})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: Cannot connect to OpenFaaS on URL: http:\/\/127\.0\.0\.1:1\. connect ECONNREFUSED/m)
  })

  it('logout without a config file, or for another gateway, fails clearly', async () => {
    const env = cleanEnv()
    const none = await runCli(['logout', '-g', gw.url], {env})
    assert.equal(none.code, 1)
    assert.match(none.stderr, /Config file not found/)
    await runCli(['login', '-g', gw.url, '-s'], {env, input: 's3cret'})
    const other = await runCli(['logout', '-g', 'http://other:8080'], {env})
    assert.equal(other.code, 1)
    assert.match(other.stderr, /No auth config found for http:\/\/other:8080/)
  })

  it('ignores the stack file gateway (flag, then OPENFAAS_URL, then default)', async () => {
    const cwd = tempDir()
    await fs.writeFile(path.join(cwd, 'stack.yaml'), 'version: 1.0\nprovider:\n  name: openfaas\n  gateway: http://127.0.0.1:1\nfunctions: {}\n')
    const r = await runCli(['login', '-s'], {cwd, env: cleanEnv({OPENFAAS_URL: gw.url}), input: 's3cret'})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`credentials saved for admin ${gw.url}`))
  })
})
