import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, it} from 'node:test'

import {isFaasError} from '../../src/errors.js'
import {
  functionEnvironment,
  mergeAnnotations,
  mergeBuildArgs,
  mergeBuildOptions,
  mergeConstraints,
  mergeCopyPaths,
  mergeEnvironment,
  mergeLabels,
  mergeReadonly,
  mergeSecrets,
  parseBuildArgFlags,
  parseKeyValueFlags,
  readEnvironmentFiles,
} from '../../src/stack/merge.js'

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'faas-stack-merge-'))
}

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isFaasError(err), `expected FaasError, got ${String(err)}`)
    assert.match((err as Error).message, pattern)
    assert.ok(!(err as Error).message.includes('\n'))
    return true
  })
}

describe('readEnvironmentFiles (environment_file, relative to the CWD)', () => {
  it('merges files in order, later files overriding earlier ones', async () => {
    const dir = tmp()
    mkdirSync(path.join(dir, 'env'))
    writeFileSync(path.join(dir, 'env', 'base.yml'), 'environment:\n  A: base\n  B: base\n  N: 1\n')
    writeFileSync(path.join(dir, 'prod.yml'), 'environment:\n  B: prod\n  C: true\n')
    const env = await readEnvironmentFiles({name: 'fn', environment_file: ['env/base.yml', 'prod.yml']}, dir)
    assert.deepEqual(env, {A: 'base', B: 'prod', C: 'true', N: '1'})
  })
  it('returns {} for a function without environment_file', async () => {
    assert.deepEqual(await readEnvironmentFiles({name: 'fn'}, tmp()), {})
  })
  it('a missing file is an error naming the file and the function', async () => {
    await rejectsWith(readEnvironmentFiles({name: 'fn', environment_file: ['nope.yml']}, tmp()), /^Cannot read environment_file nope\.yml of function fn: no such file or directory$/)
  })
  it('a malformed file is an error naming the file with line and column', async () => {
    const dir = tmp()
    writeFileSync(path.join(dir, 'bad.yml'), 'environment:\n  A: [1, 2]\n')
    await rejectsWith(readEnvironmentFiles({name: 'fn', environment_file: ['bad.yml']}, dir), /^bad\.yml:2:6: environment\.A: expected a string, got a list$/)
    writeFileSync(path.join(dir, 'syntax.yml'), 'environment: {A: "x}\n')
    await rejectsWith(readEnvironmentFiles({name: 'fn', environment_file: ['syntax.yml']}, dir), /^syntax\.yml:\d+:\d+: invalid YAML/)
  })
  it('functionEnvironment: environment ← environment_file ← --env', async () => {
    const dir = tmp()
    writeFileSync(path.join(dir, 'env.yml'), 'environment:\n  FROM_FILE: "yes"\n  MODE: overridden-by-file\n')
    const env = await functionEnvironment({name: 'rich-fn', environment: {write_timeout: '10s', MODE: 'prod'}, environment_file: ['env.yml']}, dir, {MODE: 'flag', EXTRA: '1'})
    assert.deepEqual(env, {write_timeout: '10s', MODE: 'flag', FROM_FILE: 'yes', EXTRA: '1'})
  })
})

describe('merge rules (spec §2)', () => {
  it('env: environment ← environment_file ← --env', () => {
    assert.deepEqual(mergeEnvironment({A: 's', B: 's', C: 's'}, {B: 'f', C: 'f'}, {C: 'flag'}), {A: 's', B: 'f', C: 'flag'})
    assert.deepEqual(mergeEnvironment(undefined, undefined, undefined), {})
  })
  it('labels and annotations: stack ← flag, always a map', () => {
    assert.deepEqual(mergeLabels({team: 'platform', 'com.openfaas.scale.min': '2'}, {team: 'edge', tier: 'gold'}), {team: 'edge', 'com.openfaas.scale.min': '2', tier: 'gold'})
    assert.deepEqual(mergeLabels(undefined, undefined), {})
    assert.deepEqual(mergeAnnotations({topic: 'orders', description: 'd'}, {topic: 'flag-topic'}), {topic: 'flag-topic', description: 'd'})
    assert.deepEqual(mergeAnnotations(undefined, {}), {})
  })
  it('secrets: --secret first, then the stack ones, deduplicated', () => {
    assert.deepEqual(mergeSecrets(['extra-secret', 'api-key'], ['api-key', 'db-password']), ['extra-secret', 'api-key', 'db-password'])
    assert.deepEqual(mergeSecrets(undefined, undefined), [])
  })
  it('constraints: the stack\'s when set (even empty), else --constraint', () => {
    assert.deepEqual(mergeConstraints(['node.platform.os == linux'], ['node.role == worker']), ['node.platform.os == linux'])
    assert.deepEqual(mergeConstraints([], ['node.role == worker']), [])
    assert.deepEqual(mergeConstraints(undefined, ['node.role == worker']), ['node.role == worker'])
    assert.deepEqual(mergeConstraints(undefined, undefined), [])
  })
  it('--readonly forces true; otherwise the stack value', () => {
    assert.equal(mergeReadonly(false, true), true)
    assert.equal(mergeReadonly(undefined, true), true)
    assert.equal(mergeReadonly(true, false), true)
    assert.equal(mergeReadonly(undefined, false), false)
  })
  it('build args: build_args ← --build-arg', () => {
    assert.deepEqual(mergeBuildArgs({A: 'stack', B: 'stack'}, {B: 'flag'}), {A: 'stack', B: 'flag'})
  })
  it('build options: --build-option first, then build_options, deduplicated', () => {
    assert.deepEqual(mergeBuildOptions(['dev', 'ssl'], ['ssl', 'extra']), ['dev', 'ssl', 'extra'])
  })
  it('copy paths: --copy-extra first, then configuration.copy', () => {
    assert.deepEqual(mergeCopyPaths(['./flag'], ['./common', './shared']), ['./flag', './common', './shared'])
    assert.deepEqual(mergeCopyPaths(undefined, undefined), [])
  })
  it('does not modify its inputs', () => {
    const stackEnv = {A: '1'}
    mergeEnvironment(stackEnv, {B: '2'}, {A: '3'})
    assert.deepEqual(stackEnv, {A: '1'})
  })
})

describe('KEY=VALUE flag parsing', () => {
  it('splits on the first =, later keys win', () => {
    assert.deepEqual(parseKeyValueFlags(['MODE=flag', 'URL=http://x/?a=b', 'EMPTY=', 'MODE=again'], 'env'), {MODE: 'again', URL: 'http://x/?a=b', EMPTY: ''})
    assert.deepEqual(parseKeyValueFlags(undefined, 'env'), {})
  })
  it('keeps keys that look like Object internals as ordinary keys', () => {
    const parsed = parseKeyValueFlags(['__proto__=x', 'constructor=y'], 'env')
    assert.deepEqual(Object.entries(parsed), [
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ])
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype)
    assert.deepEqual(Object.entries(mergeEnvironment(undefined, undefined, parsed)), Object.entries(parsed))
  })
  it('rejects a value without = or with an empty key, naming the flag', () => {
    assert.throws(() => parseKeyValueFlags(['FOO'], 'env'), /^FaasError: Invalid --env value "FOO": expected KEY=VALUE$/)
    assert.throws(() => parseKeyValueFlags(['=x'], '--label'), /^FaasError: Invalid --label value "=x": the key before "=" is empty$/)
    assert.throws(() => parseKeyValueFlags(['  =x'], 'label'), /the key before "=" is empty/)
  })
  it('build args: trimmed, both sides required (a malformed one fails loudly — spec §10 quirk fixed)', () => {
    assert.deepEqual(parseBuildArgFlags([' A = 1 ', 'B=2']), {A: '1', B: '2'})
    assert.throws(() => parseBuildArgFlags(['A=1', 'broken']), /^FaasError: Invalid --build-arg value "broken": expected KEY=VALUE$/)
    assert.throws(() => parseBuildArgFlags(['A=']), /the value after "=" is empty/)
  })
  it('build args: repeated ADDITIONAL_PACKAGE values are joined, other keys last-wins', () => {
    assert.deepEqual(parseBuildArgFlags(['ADDITIONAL_PACKAGE=curl', 'X=1', 'ADDITIONAL_PACKAGE=jq make', 'X=2']), {ADDITIONAL_PACKAGE: 'curl jq make', X: '2'})
  })
})
