/**
 * Names from requests reaching the file system or maps: before, `DELETE /system/secrets` with
 * namespace `../../outside` deleted a file outside the data dir, a deploy listing the secret
 * `../../../../etc/hostname` copied that file into the function's secrets (and told whether it
 * exists), `__proto__` was a namespace, and a 300-character name gave a 500 with the data path.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {request} from '../local/helpers.js'
import {deploy, registerImage, startTestGateway, type TestGateway} from './helpers.js'

describe('names are checked where they enter', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway()
    await registerImage(gw, 'hello:latest', {mode: 'classic', run: 'cat'})
  })
  after(() => gw.stop())

  test('a namespace of ../../outside deletes nothing outside the data dir', async () => {
    // where path.join(dataDir, 'secrets', '../../outside', 'f') lands
    const outside = path.join(gw.dataDir, '..', 'outside')
    fs.mkdirSync(outside, {recursive: true})
    fs.writeFileSync(path.join(outside, 'f'), 'precious')
    const r = await gw.system('DELETE', '/system/secrets', {name: 'f', namespace: '../../outside'})
    assert.equal(r.status, 400)
    const viaQuery = await gw.system('DELETE', '/system/secrets?namespace=../../outside', {name: 'f'})
    assert.equal(viaQuery.status, 400)
    assert.equal(fs.readFileSync(path.join(outside, 'f'), 'utf8'), 'precious')
  })

  test('a secret named ../../../../etc/hostname is refused alike whether the file exists or not', async () => {
    // as many ../ as it takes from where secrets are kept to /
    const up = path.relative(path.join(gw.dataDir, 'secrets', 'openfaas-fn'), '/')
    const existing = await deploy(gw, 'leak', 'hello:latest', {secrets: [path.join(up, 'etc/hostname')]})
    const missing = await deploy(gw, 'leak', 'hello:latest', {secrets: [path.join(up, 'etc/no-such-file')]})
    assert.equal(existing.status, 400)
    assert.equal(missing.status, 400)
    assert.equal(existing.text.replace('hostname', 'X'), missing.text.replace('no-such-file', 'X'), 'the answer tells nothing about the file')
    const runDir = path.join(gw.dataDir, 'run')
    const copied = fs.existsSync(runDir) ? fs.readdirSync(runDir, {recursive: true}).map(String) : []
    assert.ok(!copied.some((f) => f.includes('hostname') || f.includes('etc')), copied.join(','))
  })

  test('__proto__, constructor and other names that are not DNS labels are refused on every route', async () => {
    const bad = ['__proto__', 'Upper', 'under_score', 'dot.ted', '-dash', 'a/b', 'x'.repeat(64)]
    for (const name of bad) {
      const q = encodeURIComponent(name)
      const answers = [
        await gw.system('POST', '/system/namespace/', {name, labels: {openfaas: '1'}}),
        await gw.system('GET', `/system/namespace/${q}`),
        await gw.system('GET', `/system/functions?namespace=${q}`),
        await gw.system('GET', `/system/secrets?namespace=${q}`),
        await deploy(gw, name, 'hello:latest'),
        await deploy(gw, 'ok', 'hello:latest', {namespace: name}),
        await gw.system('GET', `/system/function/${q}`),
        await gw.system('POST', `/system/scale-function/${q}`, {replicas: 1}),
        await gw.system('DELETE', '/system/functions', {functionName: name}),
        await gw.system('GET', `/system/logs?name=${q}`),
      ]
      for (const [i, a] of answers.entries()) assert.equal(a.status, 400, `${name} (#${i}): ${a.status} ${a.text}`)
    }
    assert.deepEqual(JSON.parse((await gw.system('GET', '/system/namespaces')).text), ['openfaas-fn'])
  })

  test('names that are also keys of every object (constructor, tostring, hasownproperty) are just names', async () => {
    for (const name of ['constructor', 'tostring', 'hasownproperty', 'valueof']) {
      assert.equal((await gw.system('POST', '/system/namespace/', {name, labels: {openfaas: '1'}})).status, 201, name)
      assert.equal(JSON.parse((await gw.system('GET', `/system/namespace/${name}`)).text).name, name)
      assert.equal((await gw.system('DELETE', `/system/namespace/${name}`, {name})).status, 202)
      assert.equal((await gw.system('GET', `/system/namespace/${name}`)).status, 404, `${name} is gone`)
    }
  })

  test('a 300-character name gets a 400 that shows no host path', async () => {
    const long = 'a'.repeat(300)
    const answers = [
      await deploy(gw, long, 'hello:latest'),
      await gw.system('POST', '/system/secrets', {name: long, value: 'x'}),
      await gw.system('POST', '/system/namespace/', {name: long}),
      await deploy(gw, 'fine', 'not-built/anywhere:1'),
    ]
    for (const a of answers) {
      assert.equal(a.status, 400, a.text)
      assert.ok(!a.text.includes(gw.dataDir) && !a.text.includes(gw.root) && !a.text.includes('/tmp/'), a.text)
    }
  })

  test('function routes with names that cannot exist answer 404', async () => {
    for (const ref of ['__proto__', 'UPPER', 'a_b', 'x.__proto__']) {
      assert.equal((await request(`${gw.url}/function/${ref}`)).status, 404, ref)
      assert.equal((await request(`${gw.url}/async-function/${ref}`, {method: 'POST', body: ''})).status, 404, ref)
    }
  })
})
