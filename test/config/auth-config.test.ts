import assert from 'node:assert/strict'
import {promises as fs, statSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {configDir, lookupAuth, readAuthConfig, removeAuth, saveAuth} from '../../src/config/auth-config.js'
import {resolveAuth} from '../../src/config/credentials.js'
import {isFaasError} from '../../src/errors.js'
import {tempDir} from '../helpers/cli.js'

describe('config folder', () => {
  it('is ~/.openfaas by default, ./.openfaas under CI=true|1, OPENFAAS_CONFIG above both', () => {
    assert.equal(configDir({HOME: '/h'}, '/w'), '/h/.openfaas')
    assert.equal(configDir({HOME: '/h', CI: 'true'}, '/w'), '/w/.openfaas')
    assert.equal(configDir({HOME: '/h', CI: '1'}, '/w'), '/w/.openfaas')
    assert.equal(configDir({HOME: '/h', CI: 'false'}, '/w'), '/h/.openfaas')
    assert.equal(configDir({HOME: '/h', CI: 'true', OPENFAAS_CONFIG: '/cfg'}, '/w'), '/cfg')
  })
})

describe('config.yml read and write', () => {
  it('writes faas-cli\'s layout with 0700 folder and 0600 file, atomically', async () => {
    const home = tempDir()
    const env = {HOME: home}
    await saveAuth({gateway: 'http://127.0.0.1:8080', auth: 'basic', token: 'YWRtaW46czNjcmV0'}, env, home)
    const file = path.join(home, '.openfaas', 'config.yml')
    assert.equal(await fs.readFile(file, 'utf8'), 'auths:\n  - gateway: http://127.0.0.1:8080\n    auth: basic\n    token: YWRtaW46czNjcmV0\n')
    assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700)
    const leftovers = (await fs.readdir(path.dirname(file))).filter((f) => f !== 'config.yml')
    assert.deepEqual(leftovers, [], 'no temp files are left behind')
  })

  it('keeps the entries of other gateways and unknown fields, and replaces the same gateway', async () => {
    const home = tempDir()
    const env = {HOME: home}
    const file = path.join(home, '.openfaas', 'config.yml')
    await fs.mkdir(path.dirname(file), {recursive: true})
    await fs.writeFile(file, 'auths:\n  - gateway: http://other:8080\n    auth: oauth2\n    token: jwt\n    options:\n      - name: x\n        value: y\n')
    await saveAuth({gateway: 'http://mine:8080', auth: 'basic', token: 'a'}, env, home)
    await saveAuth({gateway: 'http://mine:8080', auth: 'basic', token: 'b'}, env, home)
    const config = await readAuthConfig(file)
    assert.equal(config?.auths.length, 2)
    assert.deepEqual(config?.auths[0], {gateway: 'http://other:8080', auth: 'oauth2', token: 'jwt', options: [{name: 'x', value: 'y'}]})
    assert.equal((await lookupAuth('http://mine:8080', env, home))?.token, 'b')
  })

  it('removes one entry and leaves `auths: []` when the last goes', async () => {
    const home = tempDir()
    const env = {HOME: home}
    await saveAuth({gateway: 'http://a', auth: 'basic', token: 't'}, env, home)
    await removeAuth('http://a', env, home)
    assert.equal(await fs.readFile(path.join(home, '.openfaas', 'config.yml'), 'utf8'), 'auths: []\n')
    await assert.rejects(removeAuth('http://a', env, home), (e) => isFaasError(e) && e.message === 'No auth config found for http://a')
  })

  it('says so when there is no config file to log out from', async () => {
    const home = tempDir()
    await assert.rejects(removeAuth('http://a', {HOME: home}, home), (e) => isFaasError(e) && e.message === 'Config file not found')
  })

  it('names the file when config.yml is not valid YAML', async () => {
    const home = tempDir()
    const file = path.join(home, '.openfaas', 'config.yml')
    await fs.mkdir(path.dirname(file), {recursive: true})
    await fs.writeFile(file, 'auths: [\n')
    await assert.rejects(readAuthConfig(file), (e) => isFaasError(e) && e.message.includes(file))
  })
})

describe('resolveAuth', () => {
  it('sends Basic for basic entries, Bearer for oauth2, nothing when absent, and --token wins', async () => {
    const home = tempDir()
    const env = {HOME: home}
    await saveAuth({gateway: 'http://basic', auth: 'basic', token: 'YTpi'}, env, home)
    await saveAuth({gateway: 'http://oauth', auth: 'oauth2', token: 'jwt'}, env, home)
    assert.deepEqual(await resolveAuth('http://basic', undefined, env, home), {header: 'Basic YTpi'})
    assert.deepEqual(await resolveAuth('http://oauth', undefined, env, home), {header: 'Bearer jwt'})
    assert.equal(await resolveAuth('http://none', undefined, env, home), undefined)
    // §10 quirk: faas-cli's classic client ignored -k when basic credentials were stored
    assert.deepEqual(await resolveAuth('http://basic', 'tok', env, home), {header: 'Bearer tok'})
  })
})
