import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {DEFAULT_GATEWAY, functionUrl, isInsecureGateway, normaliseGatewayUrl, resolveGatewayUrl} from '../../src/config/gateway.js'

describe('resolveGatewayUrl (spec §6)', () => {
  it('uses the default when nothing is given', () => {
    assert.equal(resolveGatewayUrl({}), DEFAULT_GATEWAY)
  })
  it('prefers a non-default flag over everything', () => {
    assert.equal(resolveGatewayUrl({flag: 'http://flag:1', stack: 'http://stack:2', env: 'http://env:3'}), 'http://flag:1')
  })
  it('lets the stack gateway beat OPENFAAS_URL', () => {
    assert.equal(resolveGatewayUrl({flag: DEFAULT_GATEWAY, stack: 'http://stack:2', env: 'http://env:3'}), 'http://stack:2')
  })
  it('falls back to OPENFAAS_URL when the stack has no gateway or the default one', () => {
    assert.equal(resolveGatewayUrl({flag: DEFAULT_GATEWAY, env: 'http://env:3'}), 'http://env:3')
    assert.equal(resolveGatewayUrl({flag: DEFAULT_GATEWAY, stack: DEFAULT_GATEWAY, env: 'http://env:3'}), 'http://env:3')
  })
  it('cannot override a stack gateway with the default URL as flag, except when explicit (logs)', () => {
    assert.equal(resolveGatewayUrl({flag: DEFAULT_GATEWAY, stack: 'http://stack:2'}), 'http://stack:2')
    assert.equal(resolveGatewayUrl({flag: DEFAULT_GATEWAY, flagExplicit: true, stack: 'http://stack:2'}), DEFAULT_GATEWAY)
  })
  it('lower-cases, trims trailing slashes and adds a scheme', () => {
    assert.equal(normaliseGatewayUrl('HTTP://GW.Example.COM:8080///'), 'http://gw.example.com:8080')
    assert.equal(normaliseGatewayUrl('gw.local:31112'), 'http://gw.local:31112')
    assert.equal(resolveGatewayUrl({env: 'Gw.Local/'}), 'http://gw.local')
  })
})

describe('gateway helpers', () => {
  it('flags plain-http remote gateways as insecure but not loopback or https', () => {
    assert.equal(isInsecureGateway('http://gw.example.com'), true)
    assert.equal(isInsecureGateway('https://gw.example.com'), false)
    assert.equal(isInsecureGateway('http://127.0.0.1:8080'), false)
    assert.equal(isInsecureGateway('http://localhost:8080'), false)
  })
  it('prints function URLs with the namespace suffix only when set', () => {
    assert.equal(functionUrl('http://gw', 'fn'), 'http://gw/function/fn')
    assert.equal(functionUrl('http://gw', 'fn', 'dev'), 'http://gw/function/fn.dev')
    assert.equal(functionUrl('http://gw', 'fn', 'dev', true), 'http://gw/async-function/fn.dev')
  })
})
