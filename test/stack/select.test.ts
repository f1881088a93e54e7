import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {isFaasError} from '../../src/errors.js'
import {parseStack} from '../../src/stack/parse.js'
import {selectFunctions} from '../../src/stack/select.js'

const stack = parseStack(
  `provider:
  name: openfaas
functions:
  url-ping: {image: a}
  nodejs-echo: {image: b}
  imagemagick: {image: c}
  ruby-echo: {image: d}
  abcd-eeee: {image: e}
`,
  'stack.yml',
)

function names(filter?: string, regex?: string): string[] {
  return selectFunctions(stack, filter, regex).functions.map((f) => f.name)
}

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isFaasError(err))
    assert.match((err as Error).message, pattern)
    return true
  })
}

describe('selectFunctions --filter (wildcard, whole name)', () => {
  it('matches * anywhere and keeps file order', () => {
    assert.deepEqual(names('*echo'), ['nodejs-echo', 'ruby-echo'])
    assert.deepEqual(names('*-*'), ['url-ping', 'nodejs-echo', 'ruby-echo', 'abcd-eeee'])
    assert.deepEqual(names('*'), ['url-ping', 'nodejs-echo', 'imagemagick', 'ruby-echo', 'abcd-eeee'])
    assert.deepEqual(names('**'), names('*'))
  })
  it('matches the whole name, not a part of it', () => {
    assert.deepEqual(names('imagemagick'), ['imagemagick'])
    rejects(() => names('image'), /^No functions matching --filter\/--regex were found in the YAML file$/)
  })
  it('treats regex characters literally', () => {
    rejects(() => names('.*'), /No functions matching/)
    rejects(() => names('url.ping'), /No functions matching/)
  })
  it('an empty filter or regex selects everything', () => {
    assert.deepEqual(names(''), names('*'))
    assert.deepEqual(names(undefined, ''), names('*'))
    assert.equal(selectFunctions(stack), stack)
  })
})

describe('selectFunctions --regex (unanchored)', () => {
  it('matches anywhere in the name', () => {
    assert.deepEqual(names(undefined, 'node'), ['nodejs-echo'])
    assert.deepEqual(names(undefined, 'echo'), ['nodejs-echo', 'ruby-echo'])
    assert.deepEqual(names(undefined, '.+-.+'), ['url-ping', 'nodejs-echo', 'ruby-echo', 'abcd-eeee'])
    assert.deepEqual(names(undefined, '^[^-]+$'), ['imagemagick'])
    assert.deepEqual(names(undefined, '^.{8}$'), ['url-ping'])
    assert.deepEqual(names(undefined, 'e{2}'), ['abcd-eeee'])
    assert.deepEqual(names(undefined, '(users|echo)$'), ['nodejs-echo', 'ruby-echo'])
  })
  it('accepts Go-style leading inline flags like (?i)', () => {
    assert.deepEqual(names(undefined, '(?i)^URL'), ['url-ping'])
  })
  it('reports a bad regex as "Error parsing regexp"', () => {
    rejects(() => names(undefined, '['), /^Error parsing regexp: /)
    rejects(() => names(undefined, '*'), /^Error parsing regexp: /)
  })
  it('reports no match', () => {
    rejects(() => names(undefined, 'RANDOMREGEX'), /^No functions matching --filter\/--regex were found in the YAML file$/)
  })
  it('no match in a stack with no functions is an error too, but no filter is fine', () => {
    const empty = parseStack('provider: {name: openfaas}\n', 's.yml')
    assert.deepEqual(selectFunctions(empty).functions, [])
    rejects(() => selectFunctions(empty, 'a*'), /No functions matching/)
  })
})

describe('selectFunctions: both given', () => {
  it('refuses --filter with --regex', () => {
    rejects(() => names('*', '.*'), /^Pass in a regex or a filter, not both$/)
  })
  it('does not change the stack it was given', () => {
    const before = stack.functions.length
    names('*echo')
    assert.equal(stack.functions.length, before)
  })
  it('lists the available names in the hint', () => {
    try {
      names('nothing')
      assert.fail('expected an error')
    } catch (err) {
      assert.match((err as {hint?: string}).hint ?? '', /url-ping, nodejs-echo, imagemagick, ruby-echo, abcd-eeee/)
    }
  })
})
