import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {localDefaultMax, recommendedReplicas, SCALE_DEFAULTS, scalePolicy} from '../../src/local/gateway/autoscaler.js'
import {type EmbeddedGateway, startGateway} from '../../src/local/gateway/server.js'
import {json, registerTestImage, request, tempDir, waitFor} from './helpers.js'

const root = tempDir('faas-scale-test-')
const indexPath = path.join(root, 'images', 'index.json')
const gateways: EmbeddedGateway[] = []

async function gateway(): Promise<EmbeddedGateway> {
  // short decision rounds so the test runs in seconds; the rules are the default ones
  const gw = await startGateway({
    port: 0,
    dataDir: path.join(root, `data-${gateways.length}`),
    imageIndexPath: indexPath,
    version: 'test',
    autoscaler: {intervalMs: 200, loadWindowMs: 1000},
  })
  gateways.push(gw)
  return gw
}

async function deploy(gw: EmbeddedGateway, service: string, labels: Record<string, string>) {
  return request(`${gw.url}/system/functions`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({service, image: 'test/echo', labels})})
}

async function replicas(gw: EmbeddedGateway, name: string): Promise<number> {
  return json(await request(`${gw.url}/system/function/${name}`)).replicas ?? 0
}

before(async () => {
  await registerTestImage(indexPath, 'test/echo', {mode: 'http', run: `${process.execPath} upstream.cjs`, port_env: 'http_port'})
})

after(async () => {
  await Promise.all(gateways.map((g) => g.close()))
  fs.rmSync(root, {recursive: true, force: true})
})

describe('scaling labels', () => {
  test('defaults are the documented ones', () => {
    const {policy, warnings} = scalePolicy(undefined, 100, 20)
    assert.deepEqual(warnings, [])
    assert.deepEqual(policy, {...SCALE_DEFAULTS})
    assert.equal(policy.min, 1)
    assert.equal(policy.max, 20)
    assert.equal(policy.target, 50)
    assert.equal(policy.proportion, 0.9)
    assert.equal(policy.type, 'rps')
    assert.equal(policy.zero, false)
    assert.equal(policy.zeroDurationMs, 15 * 60_000)
  })

  test('labels are read, bad values warned about and replaced by defaults', () => {
    const p = 'com.openfaas.scale.'
    const {policy, warnings} = scalePolicy({[p + 'min']: '2', [p + 'max']: '7', [p + 'target']: '5', [p + 'type']: 'capacity', [p + 'target-proportion']: '0.5', [p + 'zero']: 'true', [p + 'zero-duration']: '1m30s'}, 100)
    assert.deepEqual(warnings, [])
    assert.deepEqual({...policy, downWindowMs: 0}, {min: 2, max: 7, target: 5, type: 'capacity', proportion: 0.5, zero: true, zeroDurationMs: 90_000, downWindowMs: 0})
    const bad = scalePolicy({[p + 'min']: 'x', [p + 'target']: '-1', [p + 'type']: 'memory', [p + 'zero']: 'yes', [p + 'zero-duration']: 'soon', [p + 'max']: '500'}, 100)
    assert.equal(bad.warnings.length, 5, bad.warnings.join('\n'))
    assert.equal(bad.policy.max, 100, 'max is capped by the gateway ceiling')
    assert.equal(bad.policy.target, 50)
    const cpu = scalePolicy({[p + 'type']: 'cpu'}, 100)
    assert.match(cpu.warnings[0], /cpu is not supported/)
    const crossed = scalePolicy({[p + 'min']: '4', [p + 'max']: '2'}, 100)
    assert.equal(crossed.policy.max, 4)
    assert.equal(crossed.warnings.length, 1)
  })

  test('without a max label, the local default max is one replica per core but one (1…20)', () => {
    assert.equal(localDefaultMax(1), 1)
    assert.equal(localDefaultMax(2), 1)
    assert.equal(localDefaultMax(8), 7)
    assert.equal(localDefaultMax(64), 20)
    assert.equal(scalePolicy(undefined, 100, 3).policy.max, 3)
    assert.equal(scalePolicy({'com.openfaas.scale.max': '9'}, 100, 3).policy.max, 9, 'the label wins')
    const minAbove = scalePolicy({'com.openfaas.scale.min': '5'}, 100, 3)
    assert.equal(minAbove.policy.max, 5)
    assert.deepEqual(minAbove.warnings, [])
  })

  test('replicas = ceil(load / (target × proportion)) within [min, max]', () => {
    const policy = {...SCALE_DEFAULTS, min: 1, max: 5, target: 5, type: 'capacity' as const}
    assert.equal(recommendedReplicas(0, policy), 1)
    assert.equal(recommendedReplicas(4.5, policy), 1)
    assert.equal(recommendedReplicas(4.6, policy), 2)
    assert.equal(recommendedReplicas(9, policy), 2)
    assert.equal(recommendedReplicas(64, policy), 5)
    assert.equal(recommendedReplicas(100, {...SCALE_DEFAULTS}), 3, '100 rps over 45 rps per replica')
  })
})

describe('the embedded gateway scales', () => {
  let gw: EmbeddedGateway
  before(async () => {
    gw = await gateway()
  })

  test('up under in-flight load (capacity), then back to min once it stops', async () => {
    const p = 'com.openfaas.scale.'
    assert.equal((await deploy(gw, 'busy', {[p + 'min']: '1', [p + 'max']: '3', [p + 'target']: '2', [p + 'type']: 'capacity', [p + 'down.window']: '1s'})).status, 202)
    assert.equal(await replicas(gw, 'busy'), 1)
    let loading = true
    // 8 callers, each with a request of 200 ms in flight at all times
    const callers = Array.from({length: 8}, async () => {
      while (loading) await request(`${gw.url}/function/busy/sleep/200`)
    })
    try {
      await waitFor(async () => (await replicas(gw, 'busy')) === 3, 8000, '3 replicas under load')
      await waitFor(async () => json(await request(`${gw.url}/system/function/busy`)).availableReplicas === 3, 5000, '3 ready replicas')
      assert.equal(await replicas(gw, 'busy'), 3, 'never above max')
    } finally {
      loading = false
      await Promise.all(callers)
    }
    const ended = Date.now()
    await waitFor(async () => (await replicas(gw, 'busy')) === 1, 8000, 'back to 1 replica')
    assert.ok(Date.now() - ended >= 800, 'not before the down window has passed')
    const log = (await request(`${gw.url}/system/logs?name=busy&instance=gateway`)).text
    assert.match(log, /autoscaling from 1 to \d replica\(s\): capacity/)
    assert.match(log, /autoscaling from \d to 1 replica\(s\)/)
  })

  test('up under request rate (rps, the default type)', async () => {
    const p = 'com.openfaas.scale.'
    assert.equal((await deploy(gw, 'rate', {[p + 'max']: '2', [p + 'target']: '5', [p + 'down.window']: '1s'})).status, 202)
    let loading = true
    const caller = (async () => {
      while (loading) await request(`${gw.url}/function/rate/echo`)
    })()
    try {
      await waitFor(async () => (await replicas(gw, 'rate')) === 2, 8000, '2 replicas at well over 5 requests per second')
    } finally {
      loading = false
      await caller
    }
    assert.match((await request(`${gw.url}/system/logs?name=rate&instance=gateway`)).text, /autoscaling from 1 to 2 replica\(s\): rps/)
  })

  test('an idle scale.zero function stops, and the next call starts it again', async () => {
    const p = 'com.openfaas.scale.'
    assert.equal((await deploy(gw, 'sleepy', {[p + 'zero']: 'true', [p + 'zero-duration']: '1s'})).status, 202)
    const first = (await request(`${gw.url}/function/sleepy/pid`)).text
    const idleFrom = Date.now()
    await waitFor(async () => (await replicas(gw, 'sleepy')) === 0, 5000, 'zero replicas')
    assert.ok(Date.now() - idleFrom >= 900, 'not before the idle time')
    assert.equal(gw.functions.get('openfaas-fn/sleepy')!.replicas.length, 0, 'its process stopped')
    const cold = await request(`${gw.url}/function/sleepy/pid`)
    assert.equal(cold.status, 200)
    assert.notEqual(cold.text, first, 'a new process answered')
    assert.equal(await replicas(gw, 'sleepy'), 1)
    assert.match((await request(`${gw.url}/system/logs?name=sleepy&instance=gateway`)).text, /scaling to zero.*\n.*scaling from zero to 1/s)
  })

  test('a function without scale.zero keeps its replica however idle', async () => {
    assert.equal((await deploy(gw, 'awake', {'com.openfaas.scale.zero-duration': '1s'})).status, 202)
    await new Promise((r) => setTimeout(r, 1600))
    assert.equal(await replicas(gw, 'awake'), 1)
  })

  test('scale-function by hand still works; the autoscaler moves from there after its down window', async () => {
    assert.equal((await deploy(gw, 'manual', {'com.openfaas.scale.down.window': '2s', 'com.openfaas.scale.max': '4'})).status, 202)
    const scale = (n: number) =>
      request(`${gw.url}/system/scale-function/manual`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({serviceName: 'manual', replicas: n})})
    assert.equal((await scale(6)).status, 200)
    assert.equal(await replicas(gw, 'manual'), 4, 'capped by scale.max')
    await new Promise((r) => setTimeout(r, 600))
    assert.equal(await replicas(gw, 'manual'), 4, 'kept while the down window holds the manual count')
    await waitFor(async () => (await replicas(gw, 'manual')) === 1, 6000, 'idle load brings it back to min')
    assert.equal((await scale(0)).status, 200)
    await new Promise((r) => setTimeout(r, 500))
    assert.equal(await replicas(gw, 'manual'), 0, 'a function scaled to zero by hand stays there until called')
    assert.equal((await request(`${gw.url}/function/manual/pid`)).status, 200)
  })

  test('replica counts set by the autoscaler are saved: after a restart an idle function stays at zero', async () => {
    const dataDir = path.join(root, 'restart')
    const opts = {port: 0, dataDir, imageIndexPath: indexPath, version: 'test', autoscaler: {intervalMs: 200, loadWindowMs: 1000}}
    const one = await startGateway(opts)
    try {
      assert.equal((await deploy(one, 'nap', {'com.openfaas.scale.zero': 'true', 'com.openfaas.scale.zero-duration': '1s'})).status, 202)
      await waitFor(async () => (await replicas(one, 'nap')) === 0, 5000, 'zero replicas')
    } finally {
      await one.close()
    }
    const two = await startGateway(opts)
    gateways.push(two)
    await two.restored
    assert.equal(await replicas(two, 'nap'), 0)
    assert.equal((await request(`${two.url}/function/nap/pid`)).status, 200)
    assert.equal(await replicas(two, 'nap'), 1)
  })
})
