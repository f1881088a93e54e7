// The test gateway is what every gateway test stands on, so its own behaviour is checked here:
// state, recording, auth and each kind of fault.
import assert from 'node:assert/strict'
import http from 'node:http'
import {after, before, describe, it} from 'node:test'

import {type TestGateway, makeLogs, startTestGateway} from '../helpers/gateway.js'

function raw(url: string, method = 'GET', body?: string, headers: Record<string, string> = {}): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {method, headers}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString()}))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('test gateway', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({auth: 'admin:secret', functions: [{name: 'figlet', image: 'ghcr.io/openfaas/figlet:latest'}], logs: makeLogs('figlet', 3)})
  })
  after(() => gw.close())
  const basic = {authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}`}

  it('requires basic auth on /system/* and records the request', async () => {
    const res = await raw(`${gw.url}/system/functions`)
    assert.equal(res.status, 401)
    const ok = await raw(`${gw.url}/system/functions?namespace=openfaas-fn`, 'GET', undefined, basic)
    assert.equal(ok.status, 200)
    assert.equal((JSON.parse(ok.body) as {name: string}[])[0].name, 'figlet')
    const last = gw.requests.at(-1)!
    assert.equal(last.path, '/system/functions')
    assert.equal(last.query, 'namespace=openfaas-fn')
  })

  it('PUT answers 404 for a new function, POST deploys it with 202', async () => {
    const body = JSON.stringify({service: 'env', image: 'ghcr.io/openfaas/alpine:latest', labels: {}, annotations: {}})
    assert.equal((await raw(`${gw.url}/system/functions`, 'PUT', body, basic)).status, 404)
    assert.equal((await raw(`${gw.url}/system/functions`, 'POST', body, basic)).status, 202)
    assert.equal(gw.getFunction('env')?.image, 'ghcr.io/openfaas/alpine:latest')
    assert.deepEqual(gw.requests.at(-1)!.json, JSON.parse(body))
  })

  it('injects status, reset and malformed-JSON faults', async () => {
    gw.fault({method: 'GET', path: '/system/functions', status: 500, body: 'boom', times: 1})
    const r = await raw(`${gw.url}/system/functions`, 'GET', undefined, basic)
    assert.deepEqual(r, {status: 500, body: 'boom'})
    gw.fault({path: '/system/functions', reset: 'before-headers', times: 1})
    await assert.rejects(raw(`${gw.url}/system/functions`, 'GET', undefined, basic), /socket hang up|ECONNRESET/)
    gw.fault({path: '/system/functions', malformedJson: true, times: 1})
    const bad = await raw(`${gw.url}/system/functions`, 'GET', undefined, basic)
    assert.throws(() => JSON.parse(bad.body))
    gw.fault({path: /^\/system\/function\//, reset: 'mid-body', times: 1})
    await assert.rejects(raw(`${gw.url}/system/function/figlet`, 'GET', undefined, basic), /aborted|ECONNRESET/)
    gw.clearFaults()
  })

  it('serves logs with tail and since, and follows pushed lines', async () => {
    const tail = await raw(`${gw.url}/system/logs?name=figlet&tail=2`, 'GET', undefined, basic)
    assert.equal(tail.body.trim().split('\n').length, 2)
    const since = await raw(`${gw.url}/system/logs?name=figlet&since=2024-01-01T10:00:01Z`, 'GET', undefined, basic)
    assert.equal(since.body.trim().split('\n').length, 2)
    const received: string[] = []
    await new Promise<void>((resolve, reject) => {
      http.get(`${gw.url}/system/logs?name=figlet&follow=true&tail=1`, {headers: basic}, (res) => {
        res.setEncoding('utf8')
        res.on('data', (d: string) => {
          received.push(d)
          if (received.join('').includes('pushed')) {
            res.destroy()
            resolve()
          } else {
            gw.pushLog({...makeLogs('figlet', 1)[0], text: 'pushed'})
          }
        })
      }).on('error', reject)
    })
    assert.match(received.join(''), /log line 3[\s\S]*pushed/)
  })

  it('echoes invocations and counts them', async () => {
    const before = gw.getFunction('figlet')!.invocationCount ?? 0
    const r = await raw(`${gw.url}/function/figlet.openfaas-fn`, 'POST', 'hi')
    assert.deepEqual(r, {status: 200, body: 'hi'})
    assert.equal(gw.getFunction('figlet')!.invocationCount, before + 1)
    assert.equal((await raw(`${gw.url}/function/nope`, 'POST', 'x')).status, 404)
  })
})
