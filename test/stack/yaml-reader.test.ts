/**
 * The two js-yaml readers (src/stack/yaml-reader.ts): the fast one over js-yaml's plain values
 * is only an accelerator: for every document it reads, the Stack must be exactly what the
 * positioned reader gives, and everything else (including every error) must go to the
 * positioned reader. Checked here on the fuzz corpus, on generated mostly-valid stacks in many
 * styles, and on hand-picked edge cases (the third column says whether the fast reader reads it).
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {generateStack} from '../../bench/stack.js'
import {envsubst} from '../../src/stack/envsubst.js'
import {parseEnvironmentFile, parseStack, parseStackFast, parseStackFull} from '../../src/stack/parse.js'
import {styledStack} from './fast-yaml-cases.js'
import {FUZZ_ENV, fuzzCases} from './fuzz-cases.js'

/** The positioned reader's verdict as comparable JSON: the stack, or the error's message and hint. */
function fullOutcome(text: string): string {
  try {
    return JSON.stringify({stack: parseStackFull(text, 'stack.yml')})
  } catch (err) {
    const {message, hint} = err as Error & {hint?: string}
    return JSON.stringify({message, hint})
  }
}

function outcome(text: string): string {
  try {
    return JSON.stringify({stack: parseStack(text, 'stack.yml')})
  } catch (err) {
    const {message, hint} = err as Error & {hint?: string}
    return JSON.stringify({message, hint})
  }
}

/** Asserts the fast reader agrees with the full one on `text`; true when it read it itself. */
function agrees(text: string, label: string): boolean {
  const fast = parseStackFast(text, 'stack.yml')
  if (fast === undefined) return false
  // key order matters too (environment order reaches docker argv), hence JSON, not deepEqual
  assert.equal(JSON.stringify({stack: fast}), fullOutcome(text), `${label}: ${JSON.stringify(text)}`)
  return true
}

describe('fast YAML reader: same result as the positioned reader', () => {
  it('on 3,000 fuzz cases (another seed than fuzz.test.ts)', () => {
    let fast = 0
    for (const c of fuzzCases(3000, 0xfa57)) {
      let text: string
      try {
        text = envsubst(c.text, FUZZ_ENV, 'stack.yml')
      } catch {
        continue
      }
      if (agrees(text, `fuzz case ${c.index}`)) fast++
    }
    // the corpus must exercise the fast reader, or the comparison proves little
    assert.ok(fast >= 150, `only ${fast} cases read by the fast reader`)
  })

  it('on 2,000 generated stacks in many styles', () => {
    let fast = 0
    let valid = 0
    for (let seed = 1; seed <= 2000; seed++) {
      const text = styledStack(seed)
      if (agrees(text, `styled stack ${seed}`)) fast++
      else if (!fullOutcome(text).startsWith('{"message"')) valid++
    }
    assert.ok(fast >= 500, `only ${fast} stacks read by the fast reader`)
    // valid stacks left to the positioned reader hold what plain values cannot tell apart
    // (null keys, integer-like keys whose order JS changes, quoted words in bool fields, ...)
    assert.ok(valid < fast / 2, `${valid} valid stacks left to the positioned reader, ${fast} read fast`)
  })

  it('reads the benchmark stacks (typical and rich, with a << merge) itself', () => {
    for (const shape of ['typical', 'rich'] as const) {
      const text = envsubst(generateStack(20, shape), {TAG: 'v1'})
      assert.ok(agrees(text, shape), `${shape} stack left to the positioned reader`)
    }
  })

  it('keeps merge chains over shared anchors linear (each merged map is read once)', () => {
    let text = 'provider: {name: openfaas}\nx:\n  m0: &m0 {k0: v}\n'
    for (let i = 1; i < 30; i++) text += `  m${i}: &m${i}\n    <<: [*m${i - 1}, *m${i - 1}]\n    k${i}: v\n`
    text += 'functions:\n  a:\n    environment:\n      <<: *m29\n'
    const start = Date.now()
    assert.ok(agrees(text, 'merge chain'))
    assert.equal(Object.keys(parseStack(text, 's').functions[0].environment ?? {}).length, 30)
    assert.ok(Date.now() - start < 2000)
  })
})

const HEAD = 'provider:\n  name: openfaas\nfunctions:\n  a:\n'

/**
 * [name, text, read by the fast reader?]. Whichever reader handles a case, parseStack must give
 * what the positioned reader gives (result, or error message and hint).
 */
const EDGE_CASES: Array<[string, string, boolean]> = [
  ['compact list under a key, compact maps in a list', 'provider: {name: openfaas}\nconfiguration:\n  templates:\n  - name: x\n    source: y\n  copy:\n  - a\n', true],
  ['compact list under a compact map', 'provider: {name: openfaas}\nx:\n- a:\n  - x\n  b: 1\n', true],
  ['a list item with extra spaces after the dash', 'provider: {name: openfaas}\nconfiguration:\n  templates:\n    -   name: x\n        source: y\n', true],
  ['a null list item, then a nested map item', 'provider: {name: openfaas}\nconfiguration:\n  templates:\n  -\n  - name: x\n', true],
  ['a list under a key at the key column, then the next key', HEAD + '    secrets:\n    - a\n    image: x\n', true],
  ['a root map indented', '  provider:\n    name: openfaas\n  functions:\n    a:\n      image: x\n', true],
  ['CRLF line ends', (HEAD + '    image: x\n').replaceAll('\n', '\r\n'), true],
  ['comments, blank and space-only lines anywhere', HEAD + '    environment: # c\n# at column 0\n        \n      A: 1 # c\n', true],
  ['# inside a plain scalar, a comment after it', HEAD + '    image: a#b # comment\n', true],
  ['YAML syntax characters inside plain scalars', HEAD + '    fprocess: python -c "print([1, {2}])" a&b *c !d |e >f ? g\n', true],
  ['numbers, bools and nulls as map keys', HEAD + '    environment:\n      true: x\n      1: y\n      "2": z\n', true],
  ['keys with - and other indicators inside', HEAD + '    environment:\n      -x: 1\n      a*b: 2\n      a#b: 3\n      "&a": 4\n', true],
  ['a __proto__ key, written, in a flow map and merged', 'provider: {name: openfaas}\nx: &p {__proto__: p}\nfunctions:\n  a:\n    environment: {__proto__: x, B: y}\n    labels:\n      <<: *p\n', true],
  ['integer-like keys keep JS object order', HEAD + '    environment:\n      b: 1\n      2: x\n      1: y\n', true],
  ['non-breaking and other Unicode spaces are content', HEAD + '    image: \u00a0x\u00a0\n    lang: \u3000y\n', true],
  ['quoted scalars with escapes, in flow lists too', HEAD + '    image: "\\ x\\t\\u00e9\\x41\\/"\n    secrets: ["a\\"b", \'c\'\'d\', ""]\n', true],
  ['anchors and aliases on scalars, lists and maps', 'provider: {name: openfaas}\nx: &m # c\n  k: v\ny: &l [p, q]\nfunctions:\n  a:\n    image: &i "q"\n    environment: *m\n    secrets: *l\n    lang: *i # c\n', true],
  ['anchors on list items', 'provider: {name: openfaas}\nfunctions:\n  a:\n    secrets:\n      - &s one\n      - *s\n', true],
  ['merge keys: block list of aliases, inline map, twice', 'provider: {name: openfaas}\nx: &a {A: 1}\ny: &b {A: 2, B: 2}\nfunctions:\n  a:\n    environment:\n      <<:\n        - *a\n        - *b\n      C: 3\n    labels:\n      <<: *a\n      <<: *b\n    annotations:\n      <<:\n        A: 1\n', false],
  ['a << of a scalar under an ignored key', 'provider: {name: openfaas}\nx-ignored:\n  <<: 1\n', true],
  ['bool words: yes/on/Off', HEAD + '    skip_build: Yes\n    readonly_root_filesystem: Off\n', true],
  ['version "" and 1.0', 'version: ""\nprovider: {name: openfaas}\n', true],

  ['multi-line plain scalar', HEAD + '    image: a\n      b\n', true],
  ['multi-line quoted scalar', HEAD + '    image: "a\n      b"\n', true],
  ['block scalars', HEAD + '    fprocess: |\n      x\n    lang: >-\n      y\n', true],
  ['multi-line flow list', HEAD + '    secrets: [a,\n      b]\n', true],
  ['flow list with a trailing comma', HEAD + '    secrets: [a, b,]\n', true],
  ['flow map with a URL value or a JSON-style key', HEAD + '    environment: {A: http://x, "B":1}\n', true],
  ['tags', HEAD + '    image: !!str 1\n', true],
  ['explicit keys', HEAD + '    ? image\n    : x\n', true],
  ['a space before the colon', HEAD + '    image : x\n', true],
  ['document markers and directives', '%YAML 1.2\n---\n' + HEAD + '    image: x\n...\n', true],
  ['tabs', HEAD + '    image: a\tb\n', true],
  ['a lone CR', HEAD + '    image: x\ry\n', false],
  ['non-BMP text, NEL, line separator, DEL, BOM', HEAD + '    image: \ud83d\ude00\n    lang: a\u0085b\u2028c\u007f\n', false],
  ['a BOM', '\ufeff' + HEAD + '    image: x\n', true],
  ['an escape the subset does not know', HEAD + '    image: "\\U0001F600"\n', true],
  ['an anchored empty value', 'provider: {name: openfaas}\nx: &e\nfunctions:\n  a:\n    image: *e\n', true],
  ['an anchored compact list', 'provider: {name: openfaas}\nx: &l\n- a\nfunctions:\n  a:\n    secrets: *l\n', true],
  ['an anchor on a key in a list item', 'provider: {name: openfaas}\nx:\n  - &m k: v\n', true],
  ['an alias to an anchor still open', 'provider: {name: openfaas}\nx: &a\n  y: *a\n', true],
  ['an unknown alias under an ignored key', 'provider: {name: openfaas}\nx: *nope\n', false],
  ['a nested list in a list item', 'provider: {name: openfaas}\nx:\n- - a\n', true],
  ['an implicit key over 1024 characters', HEAD + `    environment:\n      ${'k'.repeat(1100)}: v\n`, true],

  // errors: all reported by the positioned reader, with their positions
  ['a duplicate key, also quoted vs plain', HEAD + '    environment:\n      a: 1\n      "a": 2\n', false],
  ['a duplicate function among many', 'provider: {name: openfaas}\nfunctions:\n' + Array.from({length: 40}, (_, i) => `  f${i % 39}:\n    image: i${i}\n`).join(''), false],
  ['two null keys', HEAD + '    environment:\n      ~: x\n      null: y\n', false],
  ['a value ending in a colon', HEAD + '    image: foo:\n', false],
  ['a list item after a scalar value', HEAD + '    image: x\n    - y\n', false],
  ['deeper lines after a scalar value', HEAD + '    image: x\n      lang: y\n', false],
  ['a key between two indents', 'provider: {name: openfaas}\nfunctions:\n    a:\n      image: x\n  b: {}\n', false],
  ['a dash as a value', HEAD + '    image: - x\n', false],
  ['a reserved indicator starting a scalar', HEAD + '    image: @x\n', false],
  ['a comment without a space after a quoted scalar', HEAD + '    image: "x"#c\n', true],
  ['an unknown escape', HEAD + '    image: "\\q"\n', false],
  ['a quoted "true" in a bool field', HEAD + '    skip_build: "true"\n', false],
  ['a number in a bool field', HEAD + '    skip_build: 1\n', false],
  ['a list where a string belongs (through an alias)', 'provider: {name: openfaas}\nx: &m {a: 1}\nfunctions:\n  a:\n    secrets: [*m]\n', false],
  ['an empty or blank function name', 'provider: {name: openfaas}\nfunctions:\n  ~:\n    image: x\n  " ":\n    image: y\n', false],
  ['a template that is a string', 'provider: {name: openfaas}\nconfiguration:\n  templates:\n  - x\n', false],
  ['a bad provider, an empty document, a bad version', 'provider:\nfunctions: {}\n', false],
  ['an empty document', '', false],
  ['version 2.0', 'version: 2.0\nprovider: {name: openfaas}\n', false],
]

describe('fast YAML reader: edge cases', () => {
  for (const [name, text, fast] of EDGE_CASES) {
    it(`${fast ? 'reads' : 'leaves to the positioned reader'}: ${name}`, () => {
      assert.equal(parseStackFast(text, 'stack.yml') !== undefined, fast)
      assert.equal(outcome(text), fullOutcome(text))
    })
  }

  it('reads nesting deeper than js-yaml allows by default (100), without overflowing', () => {
    let text = HEAD + '    x-deep:\n'
    for (let i = 0; i < 150; i++) text += `${' '.repeat(6 + i)}k:\n`
    text += `${' '.repeat(156)}v: 1\n    image: x\n`
    assert.equal(parseStackFast(text, 'stack.yml')?.functions[0].image, 'x')
    assert.equal(parseStackFull(text, 'stack.yml').functions[0].image, 'x')
  })

  it('keeps scalars as written and types them like yaml.v3 into string and bool fields', () => {
    const text = HEAD + '    image: 1.0\n    fprocess: 0755\n    skip_build: on\n    environment:\n      A: true\n      B: 1e3\n      C: "0x1F"\n      D: ~\n'
    for (const parse of [parseStackFast, parseStackFull]) {
      const fn = parse(text, 'stack.yml')!.functions[0]
      assert.deepEqual([fn.image, fn.fprocess, fn.skip_build, fn.environment], ['1.0', '0755', true, {A: 'true', B: '1e3', C: '0x1F', D: ''}])
    }
  })
})

describe('parseEnvironmentFile through the fast reader', () => {
  it('reads environment files in the subset the same way, merges included', () => {
    assert.deepEqual(parseEnvironmentFile('x: &b {A: base, B: base}\nenvironment:\n  <<: *b\n  B: own\r\n  C: 1.0\n', 'env.yml'), {A: 'base', B: 'own', C: '1.0'})
    assert.deepEqual(parseEnvironmentFile('# only a comment\n', 'env.yml'), {})
  })
  it('still reports errors with positions', () => {
    assert.throws(() => parseEnvironmentFile('environment:\n  A: 1\n  A: 2\n', 'env.yml'), /^FaasError: env\.yml:3:3: invalid YAML: duplicate key "A" \(first at line 2\)$/)
    assert.throws(() => parseEnvironmentFile('environment:\n  A: [1]\n', 'env.yml'), /^FaasError: env\.yml:2:6: environment\.A: expected a string, got a list$/)
  })
})
