import assert from 'node:assert/strict'
import {test} from 'node:test'
import {rfc3339Nano, parseRfc3339} from '../../src/local/clock.js'
import {LogStore} from '../../src/local/gateway/log-store.js'

test('the log ring keeps the newest lines within its line and size bounds', () => {
  const store = new LogStore(3, 100, 23)
  for (const t of ['a1', 'a2', 'a3', 'a4']) store.append('i', t)
  assert.deepEqual(store.query().map((e) => e.text), ['a2', 'a3', 'a4'])
  store.append('j', 'x'.repeat(20))
  assert.deepEqual(store.query().map((e) => e.text), ['a4', 'x'.repeat(20)], 'size bound drops the oldest')
  assert.deepEqual(store.query({instance: 'j'}).length, 1)
  assert.deepEqual(store.query({tail: 1}).map((e) => e.instance), ['j'])
  const long = new LogStore(10, 5)
  long.append('i', '0123456789')
  assert.match(long.query()[0].text, /^01234 …\(truncated\)$/)
})

test('followers get new lines until the store closes', () => {
  const store = new LogStore()
  const seen: string[] = []
  const off = store.subscribe((e) => seen.push(e.text))
  let closed = false
  store.onClose(() => (closed = true))
  store.append('i', 'one')
  off()
  store.append('i', 'two')
  store.close()
  assert.deepEqual(seen, ['one'])
  assert.ok(closed)
})

test('timestamps are RFC3339 with nanoseconds and round-trip', () => {
  const ns = 1_700_000_000_123_456_789n
  assert.equal(rfc3339Nano(ns), '2023-11-14T22:13:20.123456789Z')
  assert.equal(rfc3339Nano(1_700_000_000_000_000_000n), '2023-11-14T22:13:20Z')
  assert.equal(rfc3339Nano(1_700_000_000_120_000_000n), '2023-11-14T22:13:20.12Z')
  assert.equal(parseRfc3339('2023-11-14T22:13:20.123456789Z'), ns)
  assert.equal(parseRfc3339('2023-11-14T23:13:20.123456789+01:00'), ns)
  assert.equal(parseRfc3339('yesterday'), undefined)
})
