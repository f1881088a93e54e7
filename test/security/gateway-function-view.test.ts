/**
 * What a function deployed to `faas gateway` can see: before, `envProcess: env` printed the
 * gateway's password and the user's tokens, and `cat` read the gateway's password file and
 * state. Now: its own variables and a minimal base; inside bubblewrap (CI installs it) a
 * read-only host without the data dir, the user's home, other functions' builds or faas's own
 * files; its secrets at /var/openfaas/secrets.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {repoRoot, runCli} from '../helpers/cli.js'
import {request} from '../local/helpers.js'
import {bubblewrapInstalled, deploy, registerImage, SHELL_SECRETS, startTestGateway, type TestGateway} from './helpers.js'

describe('what a function sees', () => {
  let gw: TestGateway
  let otherBuild: string
  before(async () => {
    assert.ok(bubblewrapInstalled(), 'bubblewrap must be installed for the security suite (.ci/run installs it)')
    gw = await startTestGateway({extraEnv: SHELL_SECRETS})
    await registerImage(gw, 'tool:latest', {mode: 'classic', run: 'cat'})
    otherBuild = await registerImage(gw, 'other:latest', {mode: 'classic', run: 'cat'})
    fs.writeFileSync(path.join(otherBuild, 'private.txt'), 'other function data')
    // the user's own credentials in the home folder
    fs.mkdirSync(path.join(gw.env.HOME!, '.aws'), {recursive: true})
    fs.writeFileSync(path.join(gw.env.HOME!, '.aws', 'credentials'), 'aws_secret_access_key = in-a-file')
  })
  after(() => gw.stop())

  /** Deploys `tool` running `fprocess`, calls it once, removes it; resolves with the reply. */
  async function run(name: string, fprocess: string, extra: Record<string, unknown> = {}) {
    const d = await deploy(gw, name, 'tool:latest', {envProcess: fprocess, ...extra})
    assert.equal(d.status, 202, d.text)
    const r = await request(`${gw.url}/function/${name}`, {method: 'POST', body: ''})
    await gw.system('DELETE', '/system/functions', {functionName: name})
    return r
  }

  test('the sandbox in force is bubblewrap, and /system/info says so', async () => {
    assert.match(gw.output(), /sandbox: bubblewrap/)
    assert.equal(JSON.parse((await gw.system('GET', '/system/info')).text).sandbox, 'bubblewrap')
  })

  test('no value of the gateway\'s environment reaches a function', async () => {
    const r = await run('printenv', 'env', {envVars: {MINE: 'mine'}})
    assert.equal(r.status, 200, r.text)
    for (const [k, v] of Object.entries(SHELL_SECRETS)) {
      assert.ok(!r.text.includes(v), `${k} must not be visible`)
      assert.ok(!r.text.includes(`${k}=`), `${k} must not be set`)
    }
    assert.match(r.text, /^MINE=mine$/m, 'its own envVars')
    assert.match(r.text, /^fprocess=env$/m, 'the watchdog variables')
    assert.match(r.text, /^PATH=/m, 'a minimal base')
    assert.match(r.text, /^OPENFAAS_SECRETS_PATH=\/var\/openfaas\/secrets$/m)
  })

  test('the data dir (password, state), the user\'s home and other functions\' builds are out of sight', async () => {
    const targets = [
      path.join(gw.dataDir, 'basic-auth-password'),
      path.join(gw.dataDir, 'state.json'),
      path.join(gw.env.HOME!, '.aws', 'credentials'),
      path.join(otherBuild, 'private.txt'),
      gw.indexPath,
    ]
    for (const [i, file] of targets.entries()) {
      assert.ok(fs.existsSync(file), `${file} exists on the host`)
      const r = await run(`reader-${i}`, `cat ${file}`)
      assert.equal(r.status, 500, `${file}: ${r.text}`)
      assert.match(r.text, /No such file or directory/)
    }
  })

  test('its own secrets are at /var/openfaas/secrets, and only its own', async () => {
    assert.equal((await gw.system('POST', '/system/secrets', {name: 'mine', value: 'my-value'})).status, 201)
    assert.equal((await gw.system('POST', '/system/secrets', {name: 'theirs', value: 'their-value'})).status, 201)
    const own = await run('secret-reader', 'cat /var/openfaas/secrets/mine', {secrets: ['mine']})
    assert.equal(own.text, 'my-value')
    const other = await run('secret-thief', 'cat /var/openfaas/secrets/theirs', {secrets: ['mine']})
    assert.equal(other.status, 500)
  })

  test('the host is read-only; /tmp is private; readOnlyRootFilesystem keeps the build read-only', async () => {
    // a folder of the host outside /tmp and the gateway's home folder: the test's own checkout,
    // or, for a checkout under /tmp (shown in the sandbox's private /tmp when node_modules/.bin
    // is on PATH), the home of the user running the tests
    const outsideTmp = (p: string) => !['/tmp', '/var/tmp'].some((t) => p === t || p.startsWith(t + '/'))
    const hostDir = [repoRoot, os.userInfo().homedir].find((d) => outsideTmp(path.resolve(d)) && fs.existsSync(d))
    assert.ok(hostDir, 'a host folder outside /tmp to try writing to')
    const marker = path.join(hostDir, `written-by-function-${process.pid}`)
    const host = await run('host-writer', `touch ${marker}`)
    assert.equal(host.status, 500)
    assert.ok(!fs.existsSync(marker))
    const tmp = await run('tmp-writer', 'touch /tmp/x')
    assert.equal(tmp.status, 200, tmp.text)
    assert.ok(!fs.existsSync('/tmp/x') || fs.statSync('/tmp/x').mtimeMs < Date.now() - 60_000, 'not the host /tmp')
    const ro = await run('ro-writer', 'touch ./written', {readOnlyRootFilesystem: true})
    assert.equal(ro.status, 500)
  })

  test('limits the gateway cannot enforce are reported at deploy (answer and log)', async () => {
    const d = await deploy(gw, 'limited', 'tool:latest', {limits: {memory: '128Mi', cpu: '500m'}})
    assert.equal(d.status, 202)
    assert.match(String(d.headers.warning), /limits\.memory=128Mi is not enforced/)
    assert.match(d.text, /limits\.cpu=500m is not enforced/)
    assert.match(gw.output(), /limited: warning: limits\.memory=128Mi is not enforced/)
    const cli = await runCli(['deploy', '--image', 'tool:latest', '--name', 'limited-cli', '--memory-limit', '64Mi', '-g', gw.url], {env: gw.env})
    assert.equal(cli.code, 0, cli.stderr)
    assert.match(cli.stderr, /^Warning: limited-cli: limits\.memory=64Mi is not enforced by the faas gateway/m)
  })
})
