// The hint lines under gateway errors say what to do next for the case at hand. Found by using the
// CLI: a failing function got "check the gateway logs" (the gateway was fine), a 401 told the user
// to log in to "<url>", and deploying a store image to the embedded gateway got "check the values given".
import assert from 'node:assert/strict'
import {PassThrough, Readable} from 'node:stream'
import {after, before, describe, it} from 'node:test'

import {GatewayClient, unexpectedStatus} from '../../src/gateway/client.js'
import {deployFunction} from '../../src/gateway/deploy.js'
import {type InvokeInput, invokeFunction} from '../../src/gateway/invoke.js'
import {isFaasError} from '../../src/errors.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

let gw: TestGateway
before(async () => {
  gw = await startTestGateway({auth: 'admin:secret', functions: [{name: 'fn', image: 'x'}]})
})
after(async () => {
  await gw.close()
})

async function failedInvoke(status: number, body: string, namespace = 'openfaas-fn'): Promise<{message: string; hint?: string}> {
  gw.fault({path: `/function/fn.${namespace}`, status, body, times: 1})
  const client = new GatewayClient({gateway: gw.url})
  const input: InvokeInput = {
    name: 'fn', namespace, method: 'POST', contentType: 'text/plain', contentTypeGiven: false, headers: [], query: [], async: false,
    userAgent: 'test', body: Readable.from([Buffer.from('hi')]), output: new PassThrough(),
  }
  try {
    await invokeFunction(client, input)
  } catch (error) {
    assert.ok(isFaasError(error))
    return {message: error.message, hint: error.hint}
  }
  assert.fail('the invoke should have failed')
}

describe('invoke hints point at the function, not the gateway', () => {
  it('500: the function\'s logs', async () => {
    const r = await failedInvoke(500, 'Internal Server Error')
    assert.match(r.message, /unexpected status code: 500 - Internal Server Error/)
    assert.match(r.hint ?? '', /answered with an error: "faas logs fn"/)
  })

  it('502 and 504/408: crashed or too slow, with the namespace in the command', async () => {
    assert.match((await failedInvoke(502, 'crashed')).hint ?? '', /failed or exited: "faas logs fn" shows its output/)
    assert.match((await failedInvoke(504, 'timeout', 'dev')).hint ?? '', /did not answer in time: "faas logs fn -n dev".*exec_timeout/)
    assert.match((await failedInvoke(408, 'Killed process.')).hint ?? '', /did not answer in time/)
  })

  it('503: wait for it with faas ready', async () => {
    assert.match((await failedInvoke(503, 'not ready')).hint ?? '', /faas ready fn/)
  })
})

describe('gateway hints', () => {
  it('401 names the gateway to log in to', async () => {
    const client = new GatewayClient({gateway: gw.url})
    const res = await client.request('GET', '/system/functions')
    assert.equal(res.status, 401)
    assert.equal(unexpectedStatus(res).hint, `Log in with: faas login --gateway ${gw.url} --password-stdin (or pass --token).`)
    const deployed = await deployFunction(client, {service: 'x', image: 'x', labels: {}, annotations: {}})
    assert.equal(deployed.status, 401)
    assert.match(deployed.hint ?? '', new RegExp(`faas login --gateway ${gw.url} `))
  })

  it('an image the embedded gateway cannot run: says which images it runs', async () => {
    gw.fault({path: '/system/functions', status: 400, body: 'image ghcr.io/openfaas/figlet:latest was not found in the local image index (/x/index.json): build it on this machine first'})
    const client = new GatewayClient({gateway: gw.url, auth: {header: `Basic ${Buffer.from('admin:secret').toString('base64')}`}})
    const r = await deployFunction(client, {service: 'figlet', image: 'ghcr.io/openfaas/figlet:latest', labels: {}, annotations: {}})
    assert.equal(r.ok, false)
    assert.match(r.hint ?? '', /runs only functions built on this machine.*container runtime/)
  })
})
