/**
 * Environment variables of spec §1.0 that had no CLI-level test elsewhere (the others are covered
 * in test/commands: OPENFAAS_CONFIG and CI's config folder in login, OPENFAAS_TEMPLATE_URL in
 * template, OPENFAAS_STORE in store, OPENFAAS_PREFIX and OPENFAAS_URL in new and login,
 * FAAS_DEBUG in list and login).
 */
import assert from 'node:assert/strict'
import {statSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {fakeEngineEnv, makeStackProject, readEngineLog, writeTree} from '../build/helpers.js'
import {cleanEnv, runCli, tempDir} from '../helpers/cli.js'
import {startTestGateway, type TestGateway} from '../helpers/gateway.js'

describe('environment variables (spec §1.0)', () => {
  let gw: TestGateway
  let other: TestGateway
  before(async () => {
    gw = await startTestGateway({functions: [{name: 'from-env', image: 'x'}]})
    other = await startTestGateway({functions: [{name: 'from-stack', image: 'y'}]})
  })
  after(async () => {
    await gw.close()
    await other.close()
  })

  it('OPENFAAS_URL is the gateway when no flag is given, and the stack gateway beats it', async () => {
    const env = cleanEnv({OPENFAAS_URL: gw.url})
    const viaEnv = await runCli(['list', '-q'], {env})
    assert.equal(viaEnv.code, 0, viaEnv.stderr)
    assert.equal(viaEnv.stdout, 'from-env\n')
    const cwd = tempDir()
    writeTree(cwd, {'stack.yaml': `version: 1.0\nprovider:\n  name: openfaas\n  gateway: ${other.url}\nfunctions: {}\n`})
    const viaStack = await runCli(['list', '-q'], {cwd, env})
    assert.equal(viaStack.code, 0, viaStack.stderr)
    assert.equal(viaStack.stdout, 'from-stack\n')
  })

  it('CI=true creates build context folders open to all (0777 before umask), else 0700', async () => {
    const umask = process.umask()
    for (const [ci, mode] of [[undefined, 0o700], ['true', 0o777 & ~umask]] as const) {
      const cwd = makeStackProject()
      const r = await runCli(['build', '--shrinkwrap', '--filter', 'hello'], {cwd, env: fakeEngineEnv(ci ? {CI: ci} : {}).env})
      assert.equal(r.code, 0, r.stderr)
      assert.equal(statSync(path.join(cwd, 'build', 'hello')).mode & 0o777, mode, `CI=${ci}`)
    }
  })

  it('http_proxy and https_proxy reach docker build as build args', async () => {
    const cwd = makeStackProject()
    const {env, log} = fakeEngineEnv({http_proxy: 'http://proxy.internal:3128', https_proxy: 'http://sproxy.internal:3129'})
    const r = await runCli(['build', '--filter', 'hello'], {cwd, env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(readEngineLog(log)[0].argv, [
      'build', '--build-arg', 'http_proxy=http://proxy.internal:3128', '--build-arg', 'https_proxy=http://sproxy.internal:3129',
      '--build-arg', 'ADDITIONAL_PACKAGE=', '--tag', 'ghcr.io/acme/hello:latest', '.',
    ])
  })

  it('OPENFAAS_TEMPLATE_STORE_URL is used while --url is left at its default, even when typed out', async () => {
    const entry = (name: string) => [{template: name, platform: 'x86_64', language: 'Go', source: 'acme', description: name, repo: 'https://example.com/r', official: 'true'}]
    gw.serve('/env-templates.json', entry('from-env'))
    gw.serve('/flag-templates.json', entry('from-flag'))
    const env = cleanEnv({OPENFAAS_TEMPLATE_STORE_URL: `${gw.url}/env-templates.json`})
    const implicit = await runCli(['template', 'store', 'list'], {env})
    assert.match(implicit.stdout, /^from-env /m, implicit.stderr)
    const typedDefault = await runCli(['template', 'store', 'list', '--url', 'https://raw.githubusercontent.com/openfaas/store/master/templates.json'], {env})
    assert.match(typedDefault.stdout, /^from-env /m, typedDefault.stderr)
    const other = await runCli(['template', 'store', 'list', `--url=${gw.url}/flag-templates.json`], {env})
    assert.match(other.stdout, /^from-flag /m, other.stderr)
  })

  it('OPENFAAS_REMOTE_BUILDER (the Pro remote builder) is refused with a clear message, before any build', async () => {
    const cwd = makeStackProject()
    const {env, log} = fakeEngineEnv({OPENFAAS_REMOTE_BUILDER: 'http://127.0.0.1:9/build'})
    const r = await runCli(['build'], {cwd, env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /OPENFAAS_REMOTE_BUILDER=http:\/\/127\.0\.0\.1:9\/build\) are not supported/)
    assert.deepEqual(readEngineLog(log), [])
  })
})
