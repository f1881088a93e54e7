/**
 * The python3-http template's runtime (index.py, http.server only) against runtime.md §6's
 * python3-http contract, started on the host the way the local runtime starts it.
 */
import assert from 'node:assert/strict'
import {after, before, describe, it} from 'node:test'

import {type RunningFunction, chunkedBody, hasProgram, startFunction} from './runtime-helpers.js'

const HANDLER = `import json


def handle(event, context):
    path = event.path
    if path == "/dict":
        return {"statusCode": 202, "body": {"ok": True}, "headers": {"X-Test": "yes"}}
    if path == "/text":
        return {"statusCode": 200, "body": "plain words"}
    if path == "/pairs":
        return {"statusCode": 200, "body": "x", "headers": [("X-A", "1"), ("Content-Type", "text/plain")]}
    if path == "/bytes":
        return {"body": bytes([0, 1, 2, 255])}
    if path == "/none":
        return None
    if path == "/boom":
        raise ValueError("boom")
    return {
        "statusCode": 200,
        "body": {
            "method": event.method,
            "path": event.path,
            "body": event.body.decode("latin-1"),
            "length": len(event.body),
            "is_bytes": isinstance(event.body, bytes),
            "first": event.query.get("a"),
            "all": event.query.getlist("a"),
            "header": event.headers.get("x-custom"),
            "hostname": context.hostname,
        },
    }
`

describe('python3-http runtime', {skip: !hasProgram('python3') && 'python3 is not installed'}, () => {
  let fn: RunningFunction
  before(async () => {
    fn = await startFunction('python3-http', {'handler.py': HANDLER}, {HOSTNAME: 'fn-host'})
  })
  after(async () => {
    await fn?.stop()
  })

  it('gives the handler the raw body bytes, method, path, a multidict query and case-insensitive headers', async () => {
    const res = await fetch(`${fn.url}/echo?a=1&a=2`, {method: 'PUT', body: 'hello', headers: {'X-CUSTOM': 'v'}})
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), 'application/json')
    assert.deepEqual(await res.json(), {method: 'PUT', path: '/echo', body: 'hello', length: 5, is_bytes: true, first: '1', all: ['1', '2'], header: 'v', hostname: 'fn-host'})
  })

  it('reads a chunked body, as the watchdog streams it', async () => {
    const res = await fetch(`${fn.url}/echo`, {method: 'POST', ...chunkedBody(['abc', 'def', 'g'])} as RequestInit)
    const got = await res.json() as {body: string}
    assert.equal(got.body, 'abcdefg')
  })

  it('sends statusCode, headers (dict or pairs) and a dict body as JSON', async () => {
    const res = await fetch(`${fn.url}/dict`)
    assert.equal(res.status, 202)
    assert.equal(res.headers.get('x-test'), 'yes')
    assert.deepEqual(await res.json(), {ok: true})
    const pairs = await fetch(`${fn.url}/pairs`)
    assert.equal(pairs.headers.get('x-a'), '1')
    assert.equal(pairs.headers.get('content-type'), 'text/plain')
  })

  it('sends other bodies as text/html, bytes as they are, None as an empty 200', async () => {
    const text = await fetch(`${fn.url}/text`)
    assert.equal(text.headers.get('content-type'), 'text/html; charset=utf-8')
    assert.equal(await text.text(), 'plain words')
    const bytes = await fetch(`${fn.url}/bytes`)
    assert.deepEqual([...new Uint8Array(await bytes.arrayBuffer())], [0, 1, 2, 255])
    const none = await fetch(`${fn.url}/none`)
    assert.equal(none.status, 200)
    assert.equal(await none.text(), '')
  })

  it('answers 500 when the handler raises, and keeps serving', async () => {
    const res = await fetch(`${fn.url}/boom`)
    assert.equal(res.status, 500)
    assert.match(fn.output(), /ValueError: boom/)
    assert.equal((await fetch(`${fn.url}/text`)).status, 200)
  })

  it('answers 405 for methods outside the contract and HEAD without a body', async () => {
    assert.equal((await fetch(`${fn.url}/text`, {method: 'PROPFIND'})).status, 405)
    const head = await fetch(`${fn.url}/text`, {method: 'HEAD'})
    assert.equal(head.status, 200)
    assert.equal(await head.text(), '')
  })
})

describe('python3-http sample handler', {skip: !hasProgram('python3') && 'python3 is not installed'}, () => {
  it('answers with its greeting through the runtime', async () => {
    const fn = await startFunction('python3-http')
    try {
      const res = await fetch(`${fn.url}/?name=Ada`, {method: 'POST', body: 'hi'})
      assert.deepEqual(await res.json(), {message: 'Hello, Ada!', method: 'POST', length: 2})
    } finally {
      await fn.stop()
    }
  })
})
