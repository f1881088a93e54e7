/**
 * The node20 template's runtime (index.js, node:http only) against runtime.md §6's node20
 * contract, started on the host the way the local runtime starts it.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {type RunningFunction, chunkedBody, startFunction} from './runtime-helpers.js'

const HANDLER = `'use strict'
module.exports = async (event, context) => {
  switch (event.path) {
    case '/status': return context.status(201).headers({'X-Test': 'yes', 'Content-Type': 'text/plain'}).succeed('created')
    case '/fail': return context.fail(new Error('boom'))
    case '/throw': throw new Error('thrown')
    case '/object': return {a: 1, list: [1, 2]}
    case '/buffer': return Buffer.from([0, 1, 2, 255])
    case '/number': return 404
    case '/nothing': return undefined
    default: return {body: event.body, query: event.query, method: event.method, path: event.path, ct: event.headers['content-type'], raw: Buffer.isBuffer(event.body)}
  }
}
`

describe('node20 runtime', () => {
  let fn: RunningFunction
  before(async () => {
    fn = await startFunction('node20', {'handler.js': HANDLER})
  })
  after(async () => {
    await fn?.stop()
  })

  const echo = async (init: RequestInit & {duplex?: string}, query = '') => {
    const res = await fetch(`${fn.url}/echo${query}`, init as RequestInit)
    assert.equal(res.status, 200)
    return JSON.parse(await res.text()) as Record<string, unknown>
  }

  it('gives the handler method, path, query (arrays and nesting) and lower-case headers', async () => {
    const got = await echo({method: 'GET'}, '?a=1&a=2&obj%5Bkey%5D=v&list%5B%5D=x&plain=p')
    assert.equal(got.method, 'GET')
    assert.equal(got.path, '/echo')
    assert.deepEqual(got.query, {a: ['1', '2'], obj: {key: 'v'}, list: ['x'], plain: 'p'})
    assert.deepEqual(got.body, {}, 'no body: an empty object, as body-parser leaves it')
  })

  it('parses the body by Content-Type', async () => {
    assert.deepEqual((await echo({method: 'POST', body: '{"x":[1,2]}', headers: {'content-type': 'application/json'}})).body, {x: [1, 2]})
    assert.equal((await echo({method: 'POST', body: 'hello', headers: {'content-type': 'text/plain'}})).body, 'hello')
    assert.deepEqual((await echo({method: 'POST', body: 'a=1&b=2&b=3', headers: {'content-type': 'application/x-www-form-urlencoded'}})).body, {a: '1', b: ['2', '3']})
    assert.deepEqual((await echo({method: 'POST', body: 'zzz', headers: {'content-type': 'application/octet-stream'}})).body, {})
  })

  it('treats a body without Content-Type as text/plain and says so in the headers', async () => {
    const res = await fetch(`${fn.url}/echo`, {method: 'POST', body: new Uint8Array(Buffer.from('no type'))})
    const got = JSON.parse(await res.text())
    assert.equal(got.body, 'no type')
    assert.equal(got.ct, 'text/plain')
  })

  it('reads a chunked body, as the watchdog streams it', async () => {
    const got = await echo({method: 'POST', headers: {'content-type': 'text/plain'}, ...chunkedBody(['part one, ', 'part two'])})
    assert.equal(got.body, 'part one, part two')
  })

  it('answers 400 for bad JSON and 413 for a body over 100 KB', async () => {
    const bad = await fetch(`${fn.url}/echo`, {method: 'POST', body: '{"x":', headers: {'content-type': 'application/json'}})
    assert.equal(bad.status, 400)
    const big = await fetch(`${fn.url}/echo`, {method: 'POST', body: 'x'.repeat(101 * 1024), headers: {'content-type': 'text/plain'}})
    assert.equal(big.status, 413)
  })

  it('context.status() and headers() set the answer; headers() replaces the map', async () => {
    const res = await fetch(`${fn.url}/status`)
    assert.equal(res.status, 201)
    assert.equal(res.headers.get('x-test'), 'yes')
    assert.equal(res.headers.get('content-type'), 'text/plain')
    assert.equal(await res.text(), 'created')
  })

  it('context.fail() answers 500 with the error text; a throw keeps status 200 (upstream behaviour)', async () => {
    const failed = await fetch(`${fn.url}/fail`)
    assert.equal(failed.status, 500)
    assert.equal(await failed.text(), 'Error: boom')
    const thrown = await fetch(`${fn.url}/throw`)
    assert.equal(thrown.status, 200)
    assert.equal(await thrown.text(), 'Error: thrown')
  })

  it('encodes objects as JSON text labelled text/html, buffers as octet-stream, numbers as a status', async () => {
    const obj = await fetch(`${fn.url}/object`)
    assert.equal(obj.headers.get('content-type'), 'text/html; charset=utf-8')
    assert.equal(await obj.text(), '{"a":1,"list":[1,2]}')
    const buf = await fetch(`${fn.url}/buffer`)
    assert.equal(buf.headers.get('content-type'), 'application/octet-stream')
    assert.deepEqual([...new Uint8Array(await buf.arrayBuffer())], [0, 1, 2, 255])
    const num = await fetch(`${fn.url}/number`)
    assert.equal(num.status, 404)
    const nothing = await fetch(`${fn.url}/nothing`)
    assert.equal(nothing.status, 200)
    assert.equal(await nothing.text(), '')
  })

  it('answers HEAD without a body and unknown methods with 405', async () => {
    const head = await fetch(`${fn.url}/object`, {method: 'HEAD'})
    assert.equal(head.status, 200)
    assert.equal(await head.text(), '')
    const brew = await fetch(`${fn.url}/object`, {method: 'PROPFIND'})
    assert.equal(brew.status, 405)
  })
})

describe('node20 sample handler', () => {
  it('answers with its greeting through the runtime', async () => {
    const fn = await startFunction('node20')
    try {
      const res = await fetch(`${fn.url}/?name=Ada`, {method: 'POST', body: 'hi', headers: {'content-type': 'text/plain'}})
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('content-type'), 'application/json')
      assert.deepEqual(await res.json(), {message: 'Hello, Ada!', method: 'POST', body: 'hi'})
    } finally {
      await fn.stop()
    }
  })
})
