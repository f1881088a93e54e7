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

  it('malformed JSON is one line that says what to do', async () => {
    gw.fault({path: '/system/function/figlet', malformedJson: true, times: 1})
    const r = await runCli(['describe', 'figlet', '-g', gw.url])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: the gateway sent malformed JSON for function figlet/)
  })
})
