import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {normaliseGoBooleans} from '../../src/base-command.js'
import {isFaasError} from '../../src/errors.js'
import {formatDuration, parseDuration} from '../../src/util/duration.js'

describe('Go-style boolean flags', () => {
  const defs = {tail: {type: 'boolean'}, verbose: {type: 'boolean', char: 'v'}, name: {type: 'option'}}
  it('rewrites --flag=false/true for booleans only', () => {
    assert.deepEqual(normaliseGoBooleans(['--tail=false', '--verbose=true', '--name=false'], defs), ['--no-tail', '--verbose', '--name=false'])
    assert.deepEqual(normaliseGoBooleans(['--tail=0', '--tail=T'], defs), ['--no-tail', '--tail'])
    assert.deepEqual(normaliseGoBooleans(['-v=false'], defs), ['--no-verbose'])
  })
  it('leaves everything after -- alone', () => {
    assert.deepEqual(normaliseGoBooleans(['--', '--tail=false'], defs), ['--', '--tail=false'])
  })
})

describe('Go durations', () => {
  it('parses the forms faas-cli flags take', () => {
    assert.equal(parseDuration('1m0s'), 60_000)
    assert.equal(parseDuration('1m30s'), 90_000)
    assert.equal(parseDuration('500ms'), 500)
    assert.equal(parseDuration('1.5h'), 5_400_000)
    assert.equal(parseDuration('0'), 0)
    assert.equal(parseDuration('10'), 10_000)
  })
  it('rejects garbage with a clear error', () => {
    assert.throws(() => parseDuration('ten', 'since'), (e) => isFaasError(e) && e.message.includes('--since'))
    assert.throws(() => parseDuration('5x'), (e) => isFaasError(e))
    assert.throws(() => parseDuration(''), (e) => isFaasError(e))
  })
  it('formats like Go', () => {
    assert.equal(formatDuration(60_000), '1m0s')
    assert.equal(formatDuration(5000), '5s')
    assert.equal(formatDuration(0), '0s')
    assert.equal(formatDuration(3_723_000), '1h2m3s')
  })
})
