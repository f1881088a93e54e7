// `faas describe`: the text layout, -v, -j, namespaces, and 404.
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {runCli} from '../helpers/cli.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

describe('describe', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({
      namespaces: ['openfaas-fn', 'staging'],
      functions: [
        {
          name: 'figlet', image: 'ghcr.io/openfaas/figlet:latest', envProcess: 'figlet', envVars: {write_timeout: '10s', A: '1'},
          labels: {'com.openfaas.scale.min': '1'}, annotations: {topic: 'ascii'}, secrets: ['api-key'], constraints: ['node.platform.os == linux'],
          limits: {memory: '128Mi', cpu: '200m'}, requests: {memory: '64Mi'}, invocationCount: 42, replicas: 2, availableReplicas: 2,
          usage: {cpu: 2.4, totalMemoryBytes: 12_582_912},
        },
        {name: 'idle', image: 'ghcr.io/openfaas/alpine:latest', namespace: 'staging', replicas: 0, availableReplicas: 0},
      ],
    })
  })
  after(() => gw.close())

  it('prints faas-cli\'s layout from the function and the list\'s invocation count', async () => {
    gw.clearRequests()
    const r = await runCli(['describe', 'figlet', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(gw.requests.map((q) => `${q.method} ${q.path}?${q.query}`), ['GET /system/function/figlet?usage=1', 'GET /system/functions?'])
    assert.equal(r.stdout, [
      'Name:               figlet',
      'Status:             Ready',
      'Replicas:           2',
      'Available Replicas: 2',
      'Invocations:        42',
      'Image:              ghcr.io/openfaas/figlet:latest',
      'Function Process:   figlet',
      `URL:                ${gw.url}/function/figlet`,
      `Async URL:          ${gw.url}/async-function/figlet`,
      'Labels:',
      '\t com.openfaas.scale.min: 1',
      'Annotations:',
      '\t topic: ascii',
      'Environment:',
      '\t A: 1',
      '\t write_timeout: 10s',
      'Constraints:',
      '\t - node.platform.os == linux',
      'Secrets:',
      '\t - api-key',
      'Requests:',
      '\t Memory: 64Mi',
      'Limits:',
      '\t CPU: 200m',
      '\t Memory: 128Mi',
      'Usage:',
      '  RAM:  12.00 MB',
      '  CPU:  2 Mi',
      '',
    ].join('\n'))
  })

  it('-n asks that namespace and puts it in the URLs; -v shows empty fields', async () => {
    const r = await runCli(['describe', 'idle', '-n', 'staging', '-v', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^Status: +Not Ready$/m)
    assert.match(r.stdout, /^Function Process: +<default>$/m)
    assert.match(r.stdout, new RegExp(`^URL: +${gw.url}/function/idle\\.staging$`, 'm'))
    assert.match(r.stdout, /^Labels: +<none>$/m)
    assert.match(r.stdout, /^Secrets: +<none>$/m)
  })

  it('-j prints the function with Status, InvocationCount, URL and AsyncURL', async () => {
    const r = await runCli(['describe', 'figlet', '-j', '-g', gw.url])
    assert.equal(r.code, 0, r.stderr)
    const d = JSON.parse(r.stdout) as Record<string, unknown>
    assert.equal(d.name, 'figlet')
    assert.equal(d.Status, 'Ready')
    assert.equal(d.InvocationCount, 42)
    assert.equal(d.URL, `${gw.url}/function/figlet`)
    assert.equal(d.AsyncURL, `${gw.url}/async-function/figlet`)
    assert.deepEqual(d.secrets, ['api-key'])
  })

  it('an unknown function is "No such function", exit 1, after one request', async () => {
    gw.clearRequests()
    const r = await runCli(['describe', 'nope', '-g', gw.url])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: No such function: nope\nHint: .*faas list/)
    assert.equal(gw.requests.length, 1)
  })

  it('a cron function (topic cron-function) gets a Next run line, computed from its schedule, against any gateway', async () => {
    const cron = await startTestGateway({
      functions: [
        {name: 'yearly', image: 'x', annotations: {topic: 'cron-function', schedule: '0 0 1 1 *'}},
        {name: 'listed', image: 'x', annotations: {topic: 'orders,cron-function', schedule: 'CRON_TZ=Asia/Tokyo 0 9 1 1 *'}},
        {name: 'typo', image: 'x', annotations: {topic: 'cron-function', schedule: '*/5 * * *'}},
        {name: 'plain', image: 'x', annotations: {topic: 'orders', schedule: '0 0 1 1 *'}},
      ],
    })
    try {
      const year = new Date().getUTCFullYear() + 1
      const yearly = await runCli(['describe', 'yearly', '-g', cron.url])
      assert.equal(yearly.code, 0, yearly.stderr)
      assert.match(yearly.stdout, /\t topic: cron-function\nNext run: +\S+ \S+ \+0000 \(0 0 1 1 \*\)\n/, 'after the annotations')
      assert.match(yearly.stdout, new RegExp(`^Next run: +${year}-01-01 00:00:00 \\+0000 \\(0 0 1 1 \\*\\)$`, 'm'))
      // 09:00 in Tokyo is 00:00 UTC, the time zone of the CLI here
      assert.match((await runCli(['describe', 'listed', '-g', cron.url])).stdout, new RegExp(`^Next run: +${year}-01-01 00:00:00 \\+0000 `, 'm'))
      assert.match((await runCli(['describe', 'typo', '-g', cron.url])).stdout, /^Next run: +never \(invalid schedule: expected exactly 5 fields .*found 4\)$/m)
      assert.doesNotMatch((await runCli(['describe', 'plain', '-g', cron.url])).stdout, /Next run/)
      const asJson = JSON.parse((await runCli(['describe', 'yearly', '-j', '-g', cron.url])).stdout) as Record<string, unknown>
      assert.deepEqual(Object.keys(asJson).filter((k) => /next/i.test(k)), [], '-j keeps faas-cli\'s fields')
    } finally {
      await cron.close()
    }
  })

  it('malformed JSON is one line that says what to do', async () => {
    gw.fault({path: '/system/function/figlet', malformedJson: true, times: 1})
    const r = await runCli(['describe', 'figlet', '-g', gw.url])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: the gateway sent malformed JSON for function figlet/)
  })
})
