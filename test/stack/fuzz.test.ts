/**
 * Fuzz test (required by issue 2): 10,000 generated stack inputs — mutations of valid stack
 * files plus random bytes, fixed seed — through the same path the CLI takes (envsubst → parse +
 * validate → --filter/--regex). Nothing may escape except a FaasError with a one-line message.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {isFaasError} from '../../src/errors.js'
import {envsubst} from '../../src/stack/envsubst.js'
import {fuzzCases, mulberry32, runStackPipeline} from './fuzz-cases.js'

const COUNT = 10_000

describe('stack engine fuzz', () => {
  it(`${COUNT} fuzzed stack inputs: accepted as a valid Stack or rejected with a one-line FaasError`, () => {
    const cases = fuzzCases(COUNT)
    let accepted = 0
    let rejected = 0
    const messages = new Set<string>()
    const started = Date.now()
    for (const c of cases) {
      let stack
      try {
        stack = runStackPipeline(c)
      } catch (err) {
        if (!isFaasError(err)) {
          assert.fail(`case ${c.index}: ${String(err)} escaped (not a FaasError)\n--- input ${JSON.stringify(c)}\n${(err as Error)?.stack ?? ''}`)
        }
        const {message, hint} = err as Error & {hint?: string}
        assert.ok(message.length > 0, `case ${c.index}: empty message`)
        assert.ok(!/[\r\n\v\f\u0085\u2028\u2029]/.test(message), `case ${c.index}: multi-line message ${JSON.stringify(message)}`)
        assert.ok(hint === undefined || !/[\r\n\v\f\u0085\u2028\u2029]/.test(hint), `case ${c.index}: multi-line hint ${JSON.stringify(hint)}`)
        messages.add(message.replace(/^[^:]*:\d+:\d+: /, '').replace(/".*"|\S*\d\S*/g, '…').slice(0, 60))
        rejected++
        continue
      }
      // an accepted stack is a well-formed model
      assert.equal(stack.provider.name, 'openfaas', `case ${c.index}`)
      assert.ok(Array.isArray(stack.functions))
      for (const fn of stack.functions) {
        assert.equal(typeof fn.name, 'string')
        for (const key of ['lang', 'handler', 'image', 'fprocess', 'namespace', 'platforms'] as const) {
          assert.ok(fn[key] === undefined || typeof fn[key] === 'string', `case ${c.index}: ${fn.name}.${key}`)
        }
        for (const key of ['secrets', 'constraints', 'environment_file', 'build_options'] as const) {
          assert.ok(fn[key] === undefined || (Array.isArray(fn[key]) && fn[key]!.every((s) => typeof s === 'string')), `case ${c.index}: ${fn.name}.${key}`)
        }
        for (const key of ['environment', 'labels', 'annotations', 'build_args', 'build_secrets', 'limits', 'requests'] as const) {
          const m = fn[key]
          assert.ok(m === undefined || Object.values(m).every((v) => typeof v === 'string'), `case ${c.index}: ${fn.name}.${key}`)
        }
      }
      accepted++
    }
    const seconds = (Date.now() - started) / 1000
    console.log(`fuzz: ${COUNT} cases in ${seconds.toFixed(2)} s — ${accepted} accepted, ${rejected} rejected, ${messages.size} distinct error kinds`)
    // the generator must exercise both outcomes, or the test proves little
    assert.ok(accepted >= COUNT * 0.05, `only ${accepted} accepted`)
    assert.ok(rejected >= COUNT * 0.3, `only ${rejected} rejected`)
    assert.ok(messages.size >= 15, `only ${messages.size} kinds of error`)
  })

  it('20,000 fuzzed ${…} expressions: envsubst returns a string or throws a one-line FaasError', () => {
    const rand = mulberry32(0xe5b57)
    const tokens = ['${', '}', '$', '$$', 'A', 'B', 'EMPTY', 'x', ':', '-', '=', '+', '?', '#', '##', '%', '%%', '/', '//', '^', '^^', ',', ',,',
      '*', '[', ']', '!', '\\', '\\/', '0', '-1', ' ', '\n', 'é', '\u{1F600}', '[z-a]', '[[:alpha:]]', '(', ')', '|', '{', '.']
    const vars = {A: 'abcABC123/é\u{1F600}', B: '', EMPTY: '', x: '*?[]'}
    let ok = 0
    for (let i = 0; i < 20_000; i++) {
      let text = ''
      const n = 1 + Math.floor(rand() * 14)
      for (let j = 0; j < n; j++) text += tokens[Math.floor(rand() * tokens.length)]
      try {
        assert.equal(typeof envsubst(text, vars, 'f.yml'), 'string')
        ok++
      } catch (err) {
        if (!isFaasError(err)) assert.fail(`${JSON.stringify(text)}: ${String(err)} escaped (not a FaasError)`)
        assert.ok(!/[\r\n\v\f\u0085\u2028\u2029]/.test((err as Error).message), `${JSON.stringify(text)}: multi-line message`)
      }
    }
    assert.ok(ok > 2000 && ok < 19_000, `${ok} substituted`)
  })

  it('is deterministic: the same seed gives the same cases', () => {
    assert.deepEqual(fuzzCases(50), fuzzCases(50))
    assert.notDeepEqual(fuzzCases(50, 1), fuzzCases(50, 2))
  })
})
