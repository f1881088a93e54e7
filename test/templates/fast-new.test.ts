import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {parseFastNewArgs} from '../../src/templates/fast-new.js'

describe('new fast path: which argument forms it takes', () => {
  it('takes a name, --lang and the value flags, in any order', () => {
    assert.deepEqual(parseFastNewArgs(['hello', '--lang', 'node20']), {name: 'hello', flags: {lang: 'node20'}, quiet: false})
    assert.deepEqual(parseFastNewArgs(['--lang=go', '-p', 'acme', 'fn', '-q', '--memory-limit', '1Gi', '-g', 'http://gw', '-a', 's.yml']), {
      name: 'fn',
      flags: {lang: 'go', prefix: 'acme', 'memory-limit': '1Gi', gateway: 'http://gw', append: 's.yml'},
      quiet: true,
    })
  })

  it('leaves everything else to the full CLI', () => {
    for (const argv of [
      [],
      ['hello'],
      ['--lang', 'node20'],
      ['hello', '--lang', 'node20', 'extra'],
      ['hello', '--lang', 'node20', '--help'],
      ['hello', '--lang', 'node20', '-h'],
      ['--list'],
      ['hello', '--lang', 'node20', '--lang', 'go'],
      ['hello', '--lang', 'node20', '-q', '--quiet'],
      ['hello', '--lang', 'node20', '--quiet=true'],
      ['hello', '--lang', 'node20', '-p=acme'],
      ['hello', '--lang'],
      ['hello', '--lang', '--prefix'],
      ['hello', '--lang='],
      ['hello', '--lang', 'node20', '--', 'x'],
      ['hello', '--lang', 'node20', '--unknown', 'x'],
    ]) {
      assert.equal(parseFastNewArgs(argv), undefined, argv.join(' '))
    }
  })
})
