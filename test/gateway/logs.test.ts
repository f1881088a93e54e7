// The log renderer's pieces: Go time layouts, the three output formats, the query, `since`.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {compileLayout, parseTimestamp, rfc3339Nano, timeFormatter, timestampKey} from '../../src/gateway/go-time.js'
import {logFormatter, logsQuery, sinceValue} from '../../src/gateway/logs.js'
import type {LogMessage} from '../../src/gateway/types.js'

const msg: LogMessage = {name: 'figlet', namespace: 'openfaas-fn', instance: 'figlet-7d9c-x0', timestamp: '2024-03-09T07:05:03.120000000Z', text: 'hello <b>&\n\n'}

describe('Go time layouts', () => {
  it('formats the reference layouts as Go does', () => {
    assert.equal(timeFormatter('2006-01-02T15:04:05Z07:00')('2024-03-09T07:05:03.12Z'), '2024-03-09T07:05:03Z')
    assert.equal(timeFormatter('2006-01-02T15:04:05Z07:00')('2024-03-09T07:05:03Z'), '2024-03-09T07:05:03Z')
    assert.equal(timeFormatter('2006-01-02T15:04:05Z07:00')('2024-03-09T07:05:03+02:00'), '2024-03-09T07:05:03+02:00')
    assert.equal(timeFormatter('15:04:05')('2024-03-09T07:05:03Z'), '07:05:03')
    assert.equal(timeFormatter('rfc3339nano')('2024-03-09T07:05:03.120000000Z'), '2024-03-09T07:05:03.12Z')
    assert.equal(timeFormatter('ANSIC')('2024-03-09T07:05:03Z'), 'Sat Mar  9 07:05:03 2024')
    assert.equal(timeFormatter('rfc1123')('2024-03-09T17:05:03Z'), 'Sat, 09 Mar 2024 17:05:03 UTC')
    assert.equal(timeFormatter('rfc822z')('2024-03-09T17:05:03-05:30'), '09 Mar 24 17:05 -0530')
    assert.equal(timeFormatter('Monday January 2 3:4:5 PM .000 __2')('2024-03-09T17:05:03.5Z'), 'Saturday March 9 5:5:3 PM .500  69')
    assert.equal(timeFormatter('2006-01-02 15:04:05.999')('2024-03-09T17:05:03Z'), '2024-03-09 17:05:03')
    assert.deepEqual(compileLayout('literal only x'), ['literal only x'])
  })

  it('parses timestamps and orders them across offsets', () => {
    assert.equal(parseTimestamp('nonsense'), undefined)
    assert.equal(parseTimestamp('2024-03-09T07:05:03.1Z')?.nanos, '100000000')
    assert.ok(timestampKey('2024-03-09T07:05:03.5Z') < timestampKey('2024-03-09T09:05:04+02:00'))
    assert.equal(timestampKey('2024-03-09T09:05:03.5+02:00'), timestampKey('2024-03-09T07:05:03.500Z'))
    assert.equal(rfc3339Nano('2024-03-09T07:05:03.120000000Z'), '2024-03-09T07:05:03.12Z')
    assert.equal(rfc3339Nano('2024-03-09T07:05:03.000Z'), '2024-03-09T07:05:03Z')
  })
})

describe('log formats', () => {
  it('plain: [time ][name ][(instance) ]text, trailing newlines trimmed', () => {
    assert.equal(logFormatter({output: 'plain', timeFormat: '2006-01-02T15:04:05Z07:00', name: false, instance: false})(msg), '2024-03-09T07:05:03Z hello <b>&\n')
    assert.equal(logFormatter({output: 'plain', timeFormat: '', name: true, instance: true})(msg), 'figlet (figlet-7d9c-x0) hello <b>&\n')
    assert.equal(logFormatter({output: 'plain', timeFormat: '', name: false, instance: false})(msg), 'hello <b>&\n')
  })

  it('keyvalue: key="value" pairs with a trailing space', () => {
    assert.equal(logFormatter({output: 'keyvalue', timeFormat: '15:04:05', name: true, instance: true})(msg), 'timestamp="07:05:03" name="figlet" instance="figlet-7d9c-x0" text="hello <b>&" \n')
    assert.equal(logFormatter({output: 'keyvalue', timeFormat: '', name: false, instance: false})(msg), 'text="hello <b>&" \n')
  })

  it('json: the message as Go encodes it (field order, RFC3339Nano, HTML escapes)', () => {
    assert.equal(
      logFormatter({output: 'json', timeFormat: '', name: false, instance: false})(msg),
      '{"name":"figlet","namespace":"openfaas-fn","instance":"figlet-7d9c-x0","timestamp":"2024-03-09T07:05:03.12Z","text":"hello \\u003cb\\u003e\\u0026\\n\\n"}\n',
    )
  })
})

describe('logs query', () => {
  it('sends faas-cli\'s keys, tail left out only for 0', () => {
    assert.deepEqual(logsQuery({name: 'f', follow: false, lines: -1}), {follow: 'false', name: 'f', namespace: undefined, since: undefined, tail: -1})
    assert.deepEqual(logsQuery({name: 'f', namespace: 'ns', follow: true, lines: 0, since: '2024-01-01T00:00:00Z'}), {follow: 'true', name: 'f', namespace: 'ns', since: '2024-01-01T00:00:00Z', tail: undefined})
  })

  it('since: --since-time wins, else now − --since at second precision', () => {
    const now = Date.parse('2024-05-05T12:00:30.750Z')
    assert.equal(sinceValue(600_000, undefined, now), '2024-05-05T11:50:30Z')
    assert.equal(sinceValue(0, undefined, now), undefined)
    assert.equal(sinceValue(600_000, '2024-01-02T03:04:05Z', now), '2024-01-02T03:04:05Z')
    assert.throws(() => sinceValue(0, 'yesterday', now), /--since-time/)
  })
})
