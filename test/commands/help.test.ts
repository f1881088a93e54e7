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

/** `faas <id> --help`, run once per command and shared by the tests below. */
const helpRuns = new Map<string, ReturnType<typeof runCli>>()
function longHelp(id: string): ReturnType<typeof runCli> {
  if (!helpRuns.has(id)) helpRuns.set(id, runCli([...(id ? id.split(':') : []), '--help']))
  return helpRuns.get(id)!
}

describe('-h is --help', () => {
  it('for the root, every topic and every command: same text, exit 0', async () => {
    const targets = ['', ...topics, ...commandIds]
    await eachLimited(targets, 2, async (id) => {
      const words = id ? id.split(':') : []
      const short = await runCli([...words, '-h'])
      const long = await longHelp(id)
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

describe('help text', () => {
  it('shows a boolean default the way faas-cli does: only when it is true', async () => {
    const r = await runCli(['logs', '--help'])
    assert.match(r.stdout, /--\[no-\]tail\s+\[default: true\] /)
    assert.match(r.stdout, /--\[no-\]envsubst\s+\[default: true\] /)
    assert.doesNotMatch(r.stdout, /\[default: false\]/)
    const build = await runCli(['build', '--help'])
    assert.match(build.stdout, /--\[no-\]overwrite\s+\[default: true\] /)
  })

  it('never prints an empty [default: ]', async () => {
    await eachLimited(commandIds, 2, async (id) => {
      const r = await longHelp(id)
      assert.doesNotMatch(r.stdout, /\[default: \]/, id)
    })
  })

  it('writes every example as a command line starting with "$ "', async () => {
    await eachLimited(commandIds, 2, async (id) => {
      const r = await longHelp(id)
      const examples = r.stdout.split('\nEXAMPLES\n')[1]
      if (!examples) return
      // up to the next section (COMMANDS of a topic)
      for (const line of examples.split(/\n(?=[A-Z])/)[0].split('\n')) {
        if (!line.trim() || /^ {4}/.test(line)) continue // blank, or a wrapped continuation
        assert.match(line, /^ {2}\$ /, `${id}: ${line}`)
      }
    })
  })
})

describe('help flag table', () => {
  it('lists -h, --help like faas-cli', async () => {
    const r = await runCli(['logout', '--help'])
    assert.match(r.stdout, /-h, --help\s+Show help/)
  })
})
