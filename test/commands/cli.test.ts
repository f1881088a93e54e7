import assert from 'node:assert/strict'
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {cleanEnv, runCli} from '../helpers/cli.js'

describe('process-level behaviour (spec §1.0)', () => {
  it('an unknown command exits 1 (not oclif\'s 127) with a message on stderr', async () => {
    const r = await runCli(['no-such-command'])
    assert.equal(r.code, 1)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /no-such-command is not a faas command/)
  })

  it('an unknown flag exits 1 with one error line and a hint', async () => {
    const r = await runCli(['logout', '--nope'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: Nonexistent flag: --nope\nHint: see "faas logout --help"\.\n$/)
  })

  it('with no arguments prints help and exits 0', async () => {
    const r = await runCli([])
    assert.equal(r.code, 0)
    assert.match(r.stdout, /USAGE/)
    assert.match(r.stdout, /login/)
  })

  it('runs ~/.openfaas/plugins/<name> with the remaining arguments, passing its exit code through', async () => {
    const env = cleanEnv()
    const dir = path.join(env.HOME!, '.openfaas', 'plugins')
    await fs.mkdir(dir, {recursive: true})
    await fs.writeFile(path.join(dir, 'pro'), '#!/bin/sh\necho "pro plugin: $*"\nexit 3\n', {mode: 0o755})
    const r = await runCli(['pro', 'auth', '--x'], {env})
    assert.equal(r.code, 3)
    assert.equal(r.stdout, 'pro plugin: auth --x\n')
  })
})
