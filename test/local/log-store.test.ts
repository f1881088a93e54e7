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

test('the byte ring keeps exactly the newest lines that fit, across growth and wrap-around', () => {
  // a simple model: the newest lines within the line and byte bounds, oldest dropped first
  let seed = 7
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
  for (const [capacity, maxBytes] of [
    [50, 3000],
    [1000, 70_000],
    [200, 200_000],
  ]) {
    const store = new LogStore(capacity, 2000, maxBytes)
    const model: {instance: string; text: string}[] = []
    for (let i = 0; i < 3000; i++) {
      const length = Math.floor(random() ** 3 * 1800)
      const text = `${i}:` + 'é€x'.repeat(length).slice(0, length)
      const instance = `fn-${i % 3}`
      store.append(instance, text)
      model.push({instance, text})
      let bytes = model.reduce((n, e) => n + Buffer.byteLength(e.text), 0)
      while (model.length > capacity || (bytes > maxBytes && model.length > 1)) bytes -= Buffer.byteLength(model.shift()!.text)
      if (i % 97 === 0 || i === 2999) {
        const got = store.query().map((e) => ({instance: e.instance, text: e.text}))
        // the ring may drop a few more of the oldest when a wrap leaves room unused, never newer ones
        assert.ok(got.length <= model.length && got.length >= Math.min(model.length, 1), `${got.length} of ${model.length}`)
        assert.deepEqual(got, model.slice(model.length - got.length), `after line ${i}`)
        assert.ok(got.length >= model.length - 4, `kept ${got.length} of ${model.length} lines`)
      }
    }
    const tail = store.query({tail: 5, instance: 'fn-1'})
    assert.deepEqual(tail.map((e) => e.text), model.filter((e) => e.instance === 'fn-1').slice(-5).map((e) => e.text))
  }
})
