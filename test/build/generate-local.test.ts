import assert from 'node:assert/strict'
import {readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {manifestFromStack, manifestFromStore, renderManifests} from '../../src/build/generate.js'
import {localRunSpec, parseCpus, parseEnvPairs, parseMemoryBytes, pickLocalFunction} from '../../src/build/local-run.js'
import {registryLoginCommand, writeRegistryConfig} from '../../src/build/registry-login.js'
import {tmp, writeTree} from './helpers.js'

describe('generate (§4.6)', () => {
  const alpha = manifestFromStack({
    name: 'alpha', image: 'acme/alpha:0.1.0', labels: {team: 'platform'}, annotations: {topic: 'orders'},
    limits: {memory: '256Mi'}, requests: {cpu: '100m'}, constraints: ['node.platform.os == linux'], secrets: ['api-key'], readonly_root_filesystem: true,
  }, 'acme/alpha:0.1.0', {MODE: 'prod', FROM_FILE: '1'})
  const zeta = manifestFromStack({name: 'zeta', image: 'acme/zeta:latest'}, 'acme/zeta:latest', {})

  it('prints Function resources sorted by name, with faas-cli\'s layout', async () => {
    const text = await renderManifests([zeta, alpha], {api: 'openfaas.com/v1', namespace: 'fns'})
    assert.equal(text, `---
apiVersion: openfaas.com/v1
kind: Function
metadata:
  name: alpha
  namespace: fns
spec:
  name: alpha
  image: acme/alpha:0.1.0
  environment:
    FROM_FILE: "1"
    MODE: prod
  labels:
    team: platform
  annotations:
    topic: orders
  limits:
    memory: 256Mi
    cpu: ""
  requests:
    memory: ""
    cpu: 100m
  constraints:
    - node.platform.os == linux
  secrets:
    - api-key
  readOnlyRootFilesystem: true
---
apiVersion: openfaas.com/v1
kind: Function
metadata:
  name: zeta
  namespace: fns
spec:
  name: zeta
  image: acme/zeta:latest
`)
  })

  it('prints Knative Services with sorted env and secret volumes', async () => {
    const text = await renderManifests([alpha], {api: 'serving.knative.dev/v1', namespace: 'fns'})
    assert.equal(text, `---
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: alpha
  namespace: fns
  annotations:
    topic: orders
spec:
  template:
    spec:
      containers:
        - image: acme/alpha:0.1.0
          env:
            - name: FROM_FILE
              value: "1"
            - name: MODE
              value: prod
          volumeMounts:
            - name: api-key
              mountPath: /var/openfaas/secrets/api-key
              readOnly: true
      volumes:
        - name: api-key
          secret:
            secretName: api-key
`)
  })

  it('rejects an unknown API', async () => {
    await assert.rejects(renderManifests([alpha], {api: 'v2', namespace: 'x'}), /unsupported --api "v2"/)
  })

  it('turns a store function into a manifest for the chosen architecture', () => {
    const item = {name: 'figlet', fprocess: 'figlet', images: {x86_64: 'ghcr.io/openfaas/figlet:latest', arm64: 'ghcr.io/openfaas/figlet:arm'}, environment: {A: '1'}, labels: null, annotations: {x: 'y'}}
    const m = manifestFromStore(item, {arch: 'arm64', name: 'fig', labels: {l: '1'}})
    assert.equal(m.image, 'ghcr.io/openfaas/figlet:arm')
    assert.equal(m.name, 'fig')
    assert.deepEqual(m.environment, {A: '1', fprocess: 'figlet'})
    assert.deepEqual(m.labels, {l: '1'})
    assert.throws(() => manifestFromStore(item, {arch: 'armhf'}), /no image for architecture 'armhf'/)
  })
})

describe('registry-login (§4.6)', () => {
  it('writes ./credentials/config.json with 1-space JSON and mode 0744', async () => {
    const cwd = tmp()
    await writeRegistryConfig(cwd, {server: 'ghcr.io', username: 'alice', password: 's3cret'})
    const file = path.join(cwd, 'credentials/config.json')
    assert.equal(readFileSync(file, 'utf8'), '{\n "auths": {\n  "ghcr.io": {\n   "auth": "YWxpY2U6czNjcmV0"\n  }\n }\n}')
    assert.equal(statSync(file).mode & 0o777, 0o744)
  })

  it('writes the ECR credential helper config', async () => {
    const cwd = tmp()
    await writeRegistryConfig(cwd, {server: 'x', ecr: true, accountId: '123', region: 'eu-west-1'})
    assert.deepEqual(JSON.parse(readFileSync(path.join(cwd, 'credentials/config.json'), 'utf8')), {credsStore: 'ecr-login', credHelpers: {'123.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login'}})
    await assert.rejects(writeRegistryConfig(cwd, {server: 'x', ecr: true, accountId: '123'}), /--region flag is required/)
  })

  it('reads the password from stdin and requires credentials', async () => {
    const cwd = tmp()
    const warnings: string[] = []
    const written = await registryLoginCommand({cwd, server: 's', username: 'u', passwordStdin: true, readStdin: async () => 'pw\n', warn: (w) => warnings.push(w)})
    assert.equal(written, './credentials/config.json')
    assert.equal(JSON.parse(readFileSync(path.join(cwd, 'credentials/config.json'), 'utf8')).auths.s.auth, Buffer.from('u:pw').toString('base64'))
    await assert.rejects(registryLoginCommand({cwd, server: 's', username: 'u', readStdin: async () => '', warn: () => {}}), /Both --username and \(--password-stdin or --password\) are required/)
  })
})

describe('local-run (§4.5)', () => {
  it('converts memory and cpu quantities', () => {
    assert.equal(parseMemoryBytes('128Mi'), 134217728)
    assert.equal(parseMemoryBytes('1G'), 1e9)
    assert.equal(parseMemoryBytes('1.5Gi'), 1610612736)
    assert.equal(parseMemoryBytes('500000'), 500000)
    assert.throws(() => parseMemoryBytes('lots'), /invalid memory quantity/)
    assert.equal(parseCpus('500m'), '0.5')
    assert.equal(parseCpus('2'), '2')
    assert.equal(parseCpus('1250m'), '1.25')
  })

  it('builds the run spec: env, namespace, read-only, limits with the 6 MiB floor, secrets', async () => {
    const cwd = tmp()
    writeTree(cwd, {'.secrets/api-key': 'k'})
    const warnings: string[] = []
    const spec = await localRunSpec({
      cwd, image: 'me/fn:latest', port: 8080, environment: {MODE: 'dev'}, warn: (w) => warnings.push(w),
      fn: {name: 'fn', fprocess: 'cat', readonly_root_filesystem: true, limits: {memory: '1Mi', cpu: '250m'}, secrets: ['api-key'], namespace: 'team'},
    })
    assert.deepEqual(spec.env, [['MODE', 'dev'], ['OPENFAAS_NAME', 'fn'], ['OPENFAAS_NAMESPACE', 'team'], ['jwt_auth_local', 'true']])
    assert.equal(spec.memoryBytes, 6 * 1024 * 1024)
    assert.equal(warnings.length, 1)
    assert.equal(spec.cpus, '0.25')
    assert.equal(spec.secretsDir, path.join(cwd, '.secrets'))
    assert.equal(spec.fprocess, 'cat')
    await assert.rejects(localRunSpec({cwd, image: 'x', port: 1, environment: {}, fn: {name: 'f', secrets: ['api-key', 'db', 'token']}}), /missing files: create the following secrets \(db, token\) in: /)
  })

  it('parses stringToString env values and picks the function', () => {
    assert.deepEqual(parseEnvPairs(['A=1,B=2', 'C=x,y']), {A: '1', B: '2', C: 'x,y'})
    assert.throws(() => parseEnvPairs(['nope']), /KEY=VALUE/)
    const fns = [{name: 'a'}, {name: 'b'}]
    assert.equal(pickLocalFunction(fns, 'b').name, 'b')
    assert.equal(pickLocalFunction([{name: 'only'}], undefined).name, 'only')
    assert.throws(() => pickLocalFunction(fns, undefined), /Give a function name to run: \[a b\]/)
  })
})
