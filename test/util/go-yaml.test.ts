/**
 * The yaml.v3-compatible reader/writer, rule by rule (the byte-for-byte comparison with faas-cli's
 * output is in test/chart/export.test.ts).
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {GoFloat, GoInt, GoMap, GoTime, compareGoKeys, encodeGoYaml, formatGoFloat, resolvePlain} from '../../src/util/go-yaml.js'

describe('go-yaml', () => {
  it('resolves plain scalars as yaml.v3 does', () => {
    assert.equal(resolvePlain('~'), null)
    assert.equal(resolvePlain('True'), true)
    assert.equal(resolvePlain('yes'), 'yes')
    assert.deepEqual(resolvePlain('0x1F'), new GoInt(31n))
    assert.deepEqual(resolvePlain('0777'), new GoInt(511n))
    assert.deepEqual(resolvePlain('1_000'), new GoInt(1000n))
    assert.deepEqual(resolvePlain('18446744073709551615'), new GoInt(18446744073709551615n))
    assert.deepEqual(resolvePlain('18446744073709551616'), new GoFloat(18446744073709551616))
    assert.deepEqual(resolvePlain('1.0'), new GoFloat(1))
    assert.deepEqual(resolvePlain('2001-12-14'), new GoTime('2001-12-14T00:00:00Z'))
    assert.equal(resolvePlain('2001-13-14'), '2001-13-14')
    assert.equal(resolvePlain('12:30'), '12:30')
    assert.equal(resolvePlain('v1.2'), 'v1.2')
  })

  it('formats floats like Go\'s %g (shortest)', () => {
    assert.deepEqual([1, 0.5, 1e6, 123456.7, 1e-5, 0.0001, 1e21, -2.5e-7].map(formatGoFloat), ['1', '0.5', '1e+06', '123456.7', '1e-05', '0.0001', '1e+21', '-2.5e-07'])
  })

  it('orders keys naturally: numbers first, digit runs by value, letters before other runes after a digit', () => {
    const keys = ['b', 'a10', 'a9', '10', '9', 'A', '_x', '', 'a-1']
    assert.deepEqual([...keys].sort(compareGoKeys), ['', '_x', '9', '10', 'A', 'a-1', 'a9', 'a10', 'b'])
    assert.equal(compareGoKeys(new GoInt(2n), 'a') < 0, true)
  })

  it('writes struct-ordered maps as given, sorts others, quotes what would read back as another type', () => {
    const doc = new GoMap([['z', new GoMap([['b', 'true'], ['a', '']])], ['y', [new GoMap([['k', 'v'], ['j', []]]), 'multi\nline\n']]], true)
    assert.equal(encodeGoYaml(doc, 4), 'z:\n    a: ""\n    b: "true"\n"y":\n    - j: []\n      k: v\n    - |\n      multi\n      line\n')
  })
})
