/**
 * A sample of the fuzz cases run through the real CLI (`faas list -f stack.yml -g
 * http://127.0.0.1:1`): a stack the engine rejects must make the process exit 1 with exactly
 * one `Error:` line (plus at most one `Hint:` line) on stderr, nothing on stdout, before any
 * network; a stack it accepts must get as far as the (unreachable) gateway.
 */
import assert from 'node:assert/strict'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {isFaasError} from '../../src/errors.js'
import {cleanEnv, repoRoot, runCli, tempDir} from '../helpers/cli.js'
import {FUZZ_ENV, fuzzCases, runStackPipeline} from './fuzz-cases.js'
import type {FuzzCase} from './fuzz-cases.js'

const SAMPLE = 30

function listCommandBuilt(): boolean {
  const manifest = path.join(repoRoot, 'oclif.manifest.json')
  if (!existsSync(manifest) || !existsSync(path.join(repoRoot, 'dist', 'bundle', 'faas.cjs'))) return false
  const commands = (JSON.parse(readFileSync(manifest, 'utf8')) as {commands?: Record<string, unknown>}).commands ?? {}
  return 'list' in commands
}

/** Cases whose text is valid UTF-8 round-trippable and free of NUL (a file on disk, read back). */
function sample(): Array<{c: FuzzCase; error?: string}> {
  const picked: Array<{c: FuzzCase; error?: string}> = []
  let accepted = 0
  for (const c of fuzzCases(2000)) {
    if (picked.length >= SAMPLE) break
    let error: string | undefined
    try {
      runStackPipeline(c)
    } catch (err) {
      assert.ok(isFaasError(err))
      error = (err as Error).message
    }
    // about a sixth accepted stacks, the rest rejections of different kinds
    if (error === undefined) {
      if (accepted >= SAMPLE / 6) continue
      accepted++
    } else if (picked.some((p) => p.error?.replace(/:\d+:\d+:/, '') === error?.replace(/:\d+:\d+:/, ''))) continue
    picked.push({c, error})
  }
  return picked
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({length: limit}, async () => {
      while (next < items.length) {
        const i = next++
        results[i] = await fn(items[i])
      }
    }),
  )
  return results
}

describe('stack engine fuzz sample through the CLI', () => {
  it(`${SAMPLE} fuzz cases via "faas list -f stack.yml": rejections exit 1 with one error line, before any network`, {timeout: 120_000}, async (t) => {
    if (!listCommandBuilt()) {
      t.skip('the list command is not built yet (npm run build)')
      return
    }
    const cases = sample()
    assert.equal(cases.length, SAMPLE)
    assert.ok(cases.filter((x) => x.error === undefined).length >= 3, 'the sample holds accepted stacks too')
    const results = await mapLimit(cases, 2, async ({c, error}) => {
      const dir = tempDir('faas-fuzz-cli-')
      writeFileSync(path.join(dir, 'stack.yml'), c.text)
      const args = ['list', '-f', 'stack.yml', '-g', 'http://127.0.0.1:1']
      if (c.filter !== undefined) args.push(`--filter=${c.filter}`)
      if (c.regex !== undefined) args.push(`--regex=${c.regex}`)
      const result = await runCli(args, {cwd: dir, env: cleanEnv(FUZZ_ENV)})
      return {c, error, result}
    })
    for (const {c, error, result} of results) {
      const where = `case ${c.index} ${JSON.stringify(c).slice(0, 300)}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`
      assert.equal(result.code, 1, where)
      assert.equal(result.stdout, '', where)
      const lines = result.stderr.split('\n').filter((l) => l !== '')
      assert.match(lines[0] ?? '', /^Error: /, where)
      assert.ok(lines.length <= 2 && (lines.length === 1 || lines[1].startsWith('Hint: ')), `one error line (+ hint): ${where}`)
      if (error !== undefined) {
        // the same message as in process: the stack was rejected before any network
        assert.equal(lines[0], `Error: ${error}`, where)
      } else {
        // accepted: the command got as far as the gateway, which is unreachable
        assert.doesNotMatch(lines[0], /stack\.yml:\d+:\d+|provider\.name|No functions matching|Missing closing brace/, where)
      }
    }
  })
})
