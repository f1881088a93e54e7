'use strict'

// Run with `npm test` (node --test): no test framework to install.
const test = require('node:test')
const assert = require('node:assert/strict')

const handler = require('./handler')

// A stand-in for the runtime's context that records what the handler sends.
function recordingContext() {
  const sent = {status: 200, headers: {}, value: undefined, error: undefined}
  const context = {
    status(code) {
      if (code === undefined) return sent.status
      sent.status = code
      return context
    },
    headers(values) {
      if (values === undefined) return sent.headers
      sent.headers = values
      return context
    },
    succeed(value) {
      sent.value = value
    },
    fail(err) {
      sent.error = err
    }
  }
  return {context, sent}
}

test('greets the name given in the query string', async () => {
  const {context, sent} = recordingContext()
  await handler({body: 'hi', headers: {}, method: 'POST', query: {name: 'Ada'}, path: '/'}, context)
  assert.equal(sent.status, 200)
  assert.equal(sent.headers['Content-Type'], 'application/json')
  assert.deepEqual(sent.value, {message: 'Hello, Ada!', method: 'POST', body: 'hi'})
})

test('greets the world when no name is given', async () => {
  const {context, sent} = recordingContext()
  await handler({body: {}, headers: {}, method: 'GET', query: {}, path: '/'}, context)
  assert.equal(sent.value.message, 'Hello, world!')
  assert.equal(sent.error, undefined)
})
