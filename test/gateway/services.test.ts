// Service-level checks that need no CLI process: the ordered pool, the tabwriter, the deploy
// service `up` reuses, the GET retry policy and the function store helpers.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {GatewayClient} from '../../src/gateway/client.js'
import {deployFunctions} from '../../src/gateway/deploy.js'
import {insecureGatewayWarning} from '../../src/gateway/notes.js'
import {runOrdered} from '../../src/gateway/ordered-pool.js'
import {type FunctionStore, findStoreFunction, functionsForPlatform, storePlatform} from '../../src/store/index.js'
import {tabwrite} from '../../src/ui/tabwriter.js'
import {startTestGateway} from '../helpers/gateway.js'

describe('runOrdered', () => {
  it('runs at most `limit` at once and reports results in input order', async () => {
    let running = 0
    let peak = 0
    const reported: number[] = []
    const delays = [50, 10, 30, 5, 20, 1]
    const results = await runOrdered(delays, async (ms, i) => {
      running++
      peak = Math.max(peak, running)
      await new Promise((r) => setTimeout(r, ms))
      running--
      return i * 10
    }, () => -1, {limit: 3, onResult: (_r, i) => reported.push(i)})
    assert.deepEqual(results, [0, 10, 20, 30, 40, 50])
    assert.deepEqual(reported, [0, 1, 2, 3, 4, 5])
    assert.equal(peak, 3)
  })

  it('skips the rest once told to stop', async () => {
    let stop = false
    const results = await runOrdered([1, 2, 3, 4], async (n) => {
      if (n === 2) stop = true
      return `did ${n}`
    }, (n) => `skipped ${n}`, {limit: 1, stop: () => stop})
    assert.deepEqual(results, ['did 1', 'did 2', 'skipped 3', 'skipped 4'])
  })
})

describe('tabwrite', () => {
  it('aligns columns per block like Go\'s tabwriter, tab-indenting leading empty cells', () => {
    assert.equal(tabwrite('a\tbb\tc\nccc\td\te\n'), 'a   bb c\nccc d  e\n')
    assert.equal(tabwrite('Name:\tx\nLabels:\n\t k: v\nLong label:\ty\n', {tabIndent: true}), 'Name: x\nLabels:\n\t k: v\nLong label: y\n')
    assert.equal(tabwrite('\nNAME\none\n\n'), '\nNAME\none\n\n')
  })
})

describe('deployFunctions (the service up reuses)', () => {
  it('returns per-function results in order, with faas-cli\'s status lines and URLs', async () => {
    const gw = await startTestGateway({functions: [{name: 'old', image: 'x'}], namespaces: ['openfaas-fn', 'dev']})
    try {
      const client = new GatewayClient({gateway: gw.url})
      const seen: string[] = []
      const results = await deployFunctions(client, [
        {service: 'old', image: 'x:2', labels: {}, annotations: {}},
        {service: 'new', image: 'y', namespace: 'dev', labels: {}, annotations: {}},
        {service: 'bad', image: 'z', namespace: 'nope', labels: {}, annotations: {}},
      ], {parallel: 3, onResult: (r) => seen.push(r.name)})
      assert.deepEqual(seen, ['old', 'new', 'bad'])
      assert.deepEqual(results.map((r) => [r.name, r.ok, r.statusLine, r.rollingUpdate]), [
        ['old', true, '200 OK', true],
        ['new', true, '202 Accepted', false],
        ['bad', false, '400 Bad Request', false],
      ])
      assert.equal(results[1].url, `${gw.url}/function/new.dev`)
      assert.match(results[2].error!, /Unexpected status: 400, message: namespace nope is not valid/)
    } finally {
      await gw.close()
    }
  })

  it('marks everything after an unreachable gateway as not attempted', async () => {
    const client = new GatewayClient({gateway: 'http://127.0.0.1:9'})
    const results = await deployFunctions(client, ['a', 'b', 'c'].map((s) => ({service: s, image: s, labels: {}, annotations: {}})), {parallel: 1})
    assert.equal(results[0].unreachable, true)
    assert.deepEqual(results.slice(1).map((r) => r.skipped), [true, true])
  })
})

describe('GatewayClient retries', () => {
  it('retries GET on 502/503/504 but never a POST', async () => {
    const gw = await startTestGateway()
    try {
      const client = new GatewayClient({gateway: gw.url})
      gw.fault({method: 'GET', path: '/system/functions', status: 502, times: 1})
      gw.fault({method: 'GET', path: '/system/functions', status: 504, times: 1})
      assert.equal((await client.request('GET', '/system/functions')).status, 200)
      assert.equal(gw.requests.length, 3)
      gw.clearRequests()
      gw.fault({method: 'POST', path: '/system/secrets', status: 503, times: 1})
      assert.equal((await client.request('POST', '/system/secrets', {json: {name: 'a', value: 'b'}})).status, 503)
      assert.equal(gw.requests.length, 1)
    } finally {
      await gw.close()
    }
  })
})

describe('function store helpers', () => {
  const store: FunctionStore = {functions: [
    {name: 'figlet', title: 'Figlet Banner', images: {x86_64: 'a', arm64: 'a'}},
    {name: 'armonly', title: 'Arm', images: {armhf: 'b'}},
  ]}
  it('maps platforms and finds by name or title', () => {
    assert.equal(storePlatform(undefined, 'x64'), 'x86_64')
    assert.equal(storePlatform(undefined, 'arm64'), 'arm64')
    assert.equal(storePlatform('linux/arm/v6'), 'armhf')
    assert.deepEqual(functionsForPlatform(store, 'armhf').map((f) => f.name), ['armonly'])
    assert.equal(findStoreFunction(store, 'Figlet Banner', 'arm64').name, 'figlet')
    assert.throws(() => findStoreFunction(store, 'armonly', 'x86_64'), /Function 'armonly' not found for platform 'x86_64'/)
  })
})

describe('insecure gateway warning', () => {
  it('warns for plain HTTP to another machine unless --tls-no-verify', () => {
    assert.match(insecureGatewayWarning('http://gw.example.com:8080', false)!, /not using an encrypted connection/)
    assert.equal(insecureGatewayWarning('http://gw.example.com:8080', true), undefined)
    assert.equal(insecureGatewayWarning('https://gw.example.com', false), undefined)
    assert.equal(insecureGatewayWarning('http://127.0.0.1:8080', false), undefined)
  })
})
