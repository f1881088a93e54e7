/**
 * Help as a newcomer meets it: `-h` wherever `--help` works (every command and topic, and the
 * `faas new` fast path in bin/run.js), and help text that reads like faas-cli's (boolean
 * defaults shown, no empty `[default: ]`, every example written the same way).
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {repoRoot, runCli, tempDir} from '../helpers/cli.js'

const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
  commands: Record<string, {hidden?: boolean; flags: Record<string, {type: string; char?: string; default?: unknown}>}>
}
const commandIds = Object.keys(manifest.commands).sort()
const topics = [...new Set(commandIds.filter((id) => id.includes(':')).flatMap((id) => {
  const words = id.split(':')
  return words.slice(0, -1).map((_, i) => words.slice(0, i + 1).join(':'))
}))].filter((t) => !manifest.commands[t]).sort()

/** Runs up to `limit` CLI calls at once (the machine has few cores). */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({length: limit}, async () => {
    while (next < items.length) await fn(items[next++])
  }))
}

describe('-h is --help', () => {
  it('for the root, every topic and every command: same text, exit 0', async () => {
    const targets = ['', ...topics, ...commandIds]
    await eachLimited(targets, 2, async (id) => {
      const words = id ? id.split(':') : []
      const [short, long] = await Promise.all([runCli([...words, '-h']), runCli([...words, '--help'])])
      const label = `faas ${words.join(' ')} -h`
      assert.equal(short.code, 0, `${label}: ${short.stderr}`)
      assert.equal(short.stderr, '', label)
      assert.equal(short.stdout, long.stdout, label)
      assert.match(short.stdout, /USAGE/, label)
    })
  })

  it('after other arguments, and on the `faas new NAME --lang LANG` fast path (nothing is written)', async () => {
    const cwd = tempDir()
    const r = await runCli(['new', 'fn1', '--lang', 'node20', '-h'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /USAGE\n {2}\$ faas new/)
    assert.deepEqual(readdirSync(cwd), [], 'help must not scaffold anything')
    const logs = await runCli(['logs', 'figlet', '--tail=false', '-h'])
    assert.equal(logs.code, 0, logs.stderr)
    assert.match(logs.stdout, /\$ faas logs/)
  })
})
