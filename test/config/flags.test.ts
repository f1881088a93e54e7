import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {keepLastFlagValue, normaliseGoBooleans, parseErrorLine} from '../../src/base-command.js'
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

describe('repeated single-value flags (pflag: the last one wins)', () => {
  const defs = {
    yaml: {type: 'option', char: 'f'},
    env: {type: 'option', char: 'e', multiple: true},
    tail: {type: 'boolean', char: 't'},
    quiet: {type: 'boolean', char: 'q'},
    verbose: {type: 'boolean', char: 'v'},
  }
  it('keeps only the last occurrence, in every spelling', () => {
    assert.deepEqual(keepLastFlagValue(['-f', 'a.yml', 'fn', '--yaml=b.yml', '-fc.yml'], defs), ['fn', '-fc.yml'])
    assert.deepEqual(keepLastFlagValue(['-f=a.yml', '--yaml', 'b.yml'], defs), ['--yaml', 'b.yml'])
    assert.deepEqual(keepLastFlagValue(['--tail', '-t', '--no-tail'], defs), ['--no-tail'])
  })
  it('leaves repeatable flags, positionals that look like values, and -- alone', () => {
    assert.deepEqual(keepLastFlagValue(['-e', 'A=1', '-e', 'B=2'], defs), ['-e', 'A=1', '-e', 'B=2'])
    // `-f -f`: the second -f is the first one's value (pflag reads it so too)
    assert.deepEqual(keepLastFlagValue(['-f', '-f', 'x'], defs), ['-f', '-f', 'x'])
    assert.deepEqual(keepLastFlagValue(['-qv', '-q'], defs), ['-qv', '-q'])
    assert.deepEqual(keepLastFlagValue(['-f', 'a', '--', '-f', 'b'], defs), ['-f', 'a', '--', '-f', 'b'])
  })
})

describe('parse errors', () => {
  it('become one line saying what is wrong', () => {
    assert.equal(parseErrorLine('The following error occurred:\n  Missing required flag shell\nSee more help with --help'), 'Missing required flag shell')
    assert.equal(parseErrorLine('Missing 1 required arg:\nname  Name of the function\nSee more help with --help'), 'Missing 1 required arg: name Name of the function')
    assert.equal(parseErrorLine('Nonexistent flag: --x\nSee more help with --help'), 'Nonexistent flag: --x')
  })
})

describe('Go durations', () => {
  it('parses the forms faas-cli flags take', () => {
    assert.equal(parseDuration('1m0s'), 60_000)
    assert.equal(parseDuration('1m30s'), 90_000)
    assert.equal(parseDuration('500ms'), 500)
    assert.equal(parseDuration('1.5h'), 5_400_000)
    assert.equal(parseDuration('0'), 0)
  })
  it('needs a unit, as Go does: a bare number is an error that names the fix', () => {
    assert.throws(() => parseDuration('10', 'timeout'), (e) => isFaasError(e) && e.message === 'invalid argument "10" for "--timeout" flag: time: missing unit in duration "10"' && /--timeout 10s/.test(e.hint ?? ''))
    assert.throws(() => parseDuration('1.5'), (e) => isFaasError(e) && /1\.5s/.test(e.hint ?? ''))
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
