/**
 * Attack: the folder that holds the saved credentials (`~/.openfaas`, `$OPENFAAS_CONFIG`) exists
 * already with mode 0777 (made by hand, by an old tool, or by another user). Anyone on the
 * machine could then swap or read config.yml. Whenever faas writes there (login, logout) it
 * narrows the folder to 0700 (0744 for CI's ./.openfaas, as faas-cli) and the file to 0600;
 * a shared sticky folder (OPENFAAS_CONFIG=/tmp-like) is left alone.
 */
import assert from 'node:assert/strict'
import {chmodSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {cleanEnv, runCli, tempDir} from '../helpers/cli.js'
import {type HostileServer, startHostileServer} from './cli-helpers.js'

const mode = (p: string) => statSync(p).mode & 0o7777

/** A config folder with mode `dirMode` and a config.yml (0666) that has another gateway's entry. */
function looseConfig(dir: string, dirMode = 0o777): string {
  mkdirSync(dir, {recursive: true})
  const file = path.join(dir, 'config.yml')
  writeFileSync(file, 'auths:\n- gateway: http://other:8080\n  auth: basic\n  token: b3RoZXI6b3RoZXI=\n')
  chmodSync(file, 0o666)
  chmodSync(dir, dirMode)
  return file
}

describe('security: the credentials folder is narrowed whenever faas writes there', () => {
  let gateway: HostileServer
  before(async () => {
    gateway = await startHostileServer({'/system/functions': {body: []}})
  })
  after(() => gateway.close())

  const login = (env: NodeJS.ProcessEnv, cwd?: string) => runCli(['login', '-g', gateway.url, '-u', 'admin', '--password-stdin'], {env, cwd, input: 'secret\n'})

  it('login narrows a 0777 ~/.openfaas to 0700 and config.yml to 0600', async () => {
    const env = cleanEnv()
    const dir = path.join(env.HOME!, '.openfaas')
    const file = looseConfig(dir)
    const result = await login(env)
    assert.equal(result.code, 0, result.stderr)
    assert.equal(mode(dir).toString(8), '700')
    assert.equal(mode(file).toString(8), '600')
    // the other gateway's entry is kept
    assert.match(readFileSync(file, 'utf8'), /http:\/\/other:8080/)
  })

  it('logout narrows it too', async () => {
    const env = cleanEnv()
    const dir = path.join(env.HOME!, '.openfaas')
    const file = looseConfig(dir, 0o775)
    const result = await runCli(['logout', '-g', 'http://other:8080'], {env})
    assert.equal(result.code, 0, result.stderr)
    assert.equal(mode(dir).toString(8), '700')
    assert.equal(mode(file).toString(8), '600')
  })

  it('narrows the $OPENFAAS_CONFIG folder', async () => {
    const dir = path.join(tempDir(), 'faas-config')
    looseConfig(dir)
    const result = await login(cleanEnv({OPENFAAS_CONFIG: dir}))
    assert.equal(result.code, 0, result.stderr)
    assert.equal(mode(dir).toString(8), '700')
    assert.equal(mode(path.join(dir, 'config.yml')).toString(8), '600')
  })

  it('narrows CI\'s ./.openfaas to faas-cli\'s 0744 (no write for others)', async () => {
    const cwd = tempDir()
    const dir = path.join(cwd, '.openfaas')
    looseConfig(dir)
    const result = await login(cleanEnv({CI: 'true'}), cwd)
    assert.equal(result.code, 0, result.stderr)
    assert.equal(mode(dir).toString(8), '744')
    assert.equal(mode(path.join(dir, 'config.yml')).toString(8), '600')
  })

  it('leaves a shared sticky folder as it is (the file is still 0600)', async () => {
    const dir = path.join(tempDir(), 'shared')
    looseConfig(dir, 0o1777)
    const result = await login(cleanEnv({OPENFAAS_CONFIG: dir}))
    assert.equal(result.code, 0, result.stderr)
    assert.equal(mode(dir).toString(8), '1777')
    assert.equal(mode(path.join(dir, 'config.yml')).toString(8), '600')
  })
})
