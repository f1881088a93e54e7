// `faas ready [NAME]`: polls until ready; the timeout says how long it waited (faas-cli: 0s, §10).
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {runCli} from '../helpers/cli.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

describe('ready', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({auth: 'a:b', functions: [{name: 'up', image: 'x', availableReplicas: 1}, {name: 'down', image: 'x', replicas: 1, availableReplicas: 0}]})
  })
  after(() => gw.close())

  it('waits for the gateway\'s /healthz (no credentials needed)', async () => {
    gw.clearRequests()
    gw.fault({path: '/healthz', status: 503, times: 2})
    const r = await runCli(['ready', '-g', gw.url, '--interval', '50ms'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'OpenFaaS gateway is ready\n')
    assert.match(r.stderr, /\[1\/60\] Waiting for gateway\n\[2\/60\] Waiting for gateway\n/)
    assert.equal(gw.requests.filter((q) => q.path === '/healthz').length, 3)
  })

  it('fails after --attempts, saying how long it waited', async () => {
    const r = await runCli(['ready', '-g', 'http://127.0.0.1:9', '--attempts', '3', '--interval', '100ms'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /\[3\/3\] Error reaching OpenFaaS gateway: cannot connect/)
    assert.match(r.stderr, /Error: gateway: http:\/\/127\.0\.0\.1:9 not ready after: (?!0s)(\d+ms|\d+(\.\d+)?s)\n/)
  })

  it('waits for a function\'s available replicas', async () => {
    const ok = await runCli(['ready', 'up', '-g', gw.url, '-k', 'ignored-by-basic-gateway', '--interval', '50ms'])
    // the gateway wants basic auth: a bearer token is refused at once, not retried 60 times
    assert.equal(ok.code, 1)
    assert.match(ok.stderr, /unauthorized/)
    const open = await startTestGateway({functions: [{name: 'up', image: 'x', availableReplicas: 1}, {name: 'down', image: 'x', replicas: 1, availableReplicas: 0}]})
    try {
      const r = await runCli(['ready', 'up', '-g', open.url])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, 'Function up is ready\n')
      const notYet = await runCli(['ready', 'down', '-g', open.url, '--attempts', '2', '--interval', '100ms'])
      assert.equal(notYet.code, 1)
      assert.match(notYet.stderr, /\[1\/2\] Waiting for function down/)
      assert.match(notYet.stderr, /Error: function down not ready after: (?!0s)(\d+ms|\d+(\.\d+)?s)\n/)
    } finally {
      await open.close()
    }
  })
})
