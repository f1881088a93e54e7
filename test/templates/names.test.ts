import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {FaasError} from '../../src/errors.js'
import {assertTemplateName, isValidRefName, shaPin, splitPinned, templateNameProblem} from '../../src/templates/names.js'

describe('template names', () => {
  it('splits a pinned name at the first @', () => {
    assert.deepEqual(splitPinned('node20'), {name: 'node20'})
    assert.deepEqual(splitPinned('node20@v1.2'), {name: 'node20', ref: 'v1.2'})
    assert.deepEqual(splitPinned('golang-http@sha-1a2b3c4'), {name: 'golang-http', ref: 'sha-1a2b3c4'})
    assert.deepEqual(splitPinned('node20@'), {name: 'node20'})
  })

  it('refuses names that would address a folder other than ./template/<name>', () => {
    for (const bad of ['', '.', '..', '../x', 'a/b', 'a\\b', '.hidden', 'x\0y']) {
      assert.ok(templateNameProblem(bad), `${JSON.stringify(bad)} must be refused`)
      assert.throws(() => assertTemplateName(bad), FaasError)
    }
    assert.equal(templateNameProblem('python3-http'), undefined)
  })

  it('accepts a ref with slashes but not one that climbs out', () => {
    assert.doesNotThrow(() => assertTemplateName('node20@feature/x'))
    assert.throws(() => assertTemplateName('node20@../../etc'), /Invalid tag or branch name/)
    assert.throws(() => assertTemplateName('node20@/abs'), /Invalid tag or branch name/)
    assert.throws(() => assertTemplateName('../node20@v1'), /invalid template name/)
  })

  it('checks refs with git check-ref-format rules', () => {
    for (const ok of ['main', 'v1.0.0', 'feature/new-thing', 'release-2024']) assert.ok(isValidRefName(ok), ok)
    for (const bad of ['', '@', 'a..b', 'a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[', 'a\\b', '/a', 'a/', 'a.', 'a//b', '.a', 'a/.b', 'x.lock', 'a@{1}']) {
      assert.equal(isValidRefName(bad), false, bad)
    }
  })

  it('recognises sha-<hex> pins of 7 to 40 digits', () => {
    assert.equal(shaPin('sha-1a2b3c4'), '1a2b3c4')
    assert.equal(shaPin('sha-123'), undefined)
    assert.equal(shaPin('sha-zzzzzzz'), undefined)
    assert.equal(shaPin('main'), undefined)
  })
})
