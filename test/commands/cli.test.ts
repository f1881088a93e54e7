import assert from 'node:assert/strict'
import {promises as fs, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {cleanEnv, repoRoot, runCli, tempDir} from '../helpers/cli.js'

describe('process-level behaviour (spec §1.0)', () => {
  it('an unknown command exits 1 (not oclif\'s 127) with one Error line and a Hint', async () => {
    const r = await runCli(['no-such-command'])
    assert.equal(r.code, 1)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'Error: unknown command "no-such-command" for "faas"\nHint: "faas help" lists the commands.\n')
  })

  it('an unknown command says "did you mean" without a terminal (cobra: distance 2 or a prefix), also under a topic', async () => {
    const r = await runCli(['lgs'])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, 'Error: unknown command "lgs" for "faas"\nHint: Did you mean "faas logs" or "faas list"? "faas help" lists the commands.\n')
    const sub = await runCli(['secret', 'crate'])
    assert.equal(sub.code, 1)
    assert.equal(sub.stderr, 'Error: unknown command "crate" for "faas secret"\nHint: Did you mean "faas secret create"? "faas secret --help" lists its commands.\n')
    const help = await runCli(['help', 'nosuch'])
    assert.equal(help.code, 1)
    assert.equal(help.stderr, 'Error: unknown command "nosuch" for "faas"\nHint: Run "faas help" for the list of commands.\n')
  })

  it('an unknown flag exits 1 with one error line and a hint (with "did you mean" when close)', async () => {
    const r = await runCli(['logout', '--nope'])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, 'Error: unknown flag: --nope\nHint: See "faas logout --help".\n')
    const close = await runCli(['list', '--namspace', 'x'])
    assert.equal(close.stderr, 'Error: unknown flag: --namspace\nHint: Did you mean "--namespace"? See "faas list --help".\n')
  })

  it('oclif\'s parse errors come as one Error line and one Hint line, exit 1', async () => {
    const cases: Array<[string[], string]> = [
      [['describe'], 'Error: missing argument NAME (Name of the function)\nHint: Usage: faas describe NAME [flags]. See "faas describe --help".\n'],
      [['logs', 'x', '--lines', 'abc'], 'Error: invalid argument "abc" for "--lines" flag: expected an integer\nHint: See "faas logs --help".\n'],
      [['list', '--sort'], 'Error: flag needs an argument: --sort\nHint: See "faas list --help".\n'],
      [['completion', '--shell', 'fish'], 'Error: invalid argument "fish" for "--shell" flag: must be one of bash, zsh\nHint: See "faas completion --help".\n'],
      [['completion'], 'Error: required flag "--shell" not set\nHint: See "faas completion --help".\n'],
      [['list', '--tls-no-verify=maybe'], 'Error: invalid argument "maybe" for "--tls-no-verify" flag: expected true or false\nHint: Use --tls-no-verify, --tls-no-verify=false or --no-tls-no-verify.\n'],
      [['deploy', '--timeout', 'abc'], 'Error: invalid argument "abc" for "--timeout" flag: time: invalid duration "abc"\nHint: Use a Go duration such as 30s, 1m30s or 500ms.\n'],
    ]
    for (const [args, stderr] of cases) {
      const r = await runCli(args)
      assert.equal(r.code, 1, args.join(' '))
      assert.equal(r.stdout, '', args.join(' '))
      assert.equal(r.stderr, stderr, args.join(' '))
    }
  })

  it('with no arguments prints help and exits 0', async () => {
    const r = await runCli([])
    assert.equal(r.code, 0)
    assert.match(r.stdout, /USAGE/)
    assert.match(r.stdout, /login/)
  })

  it('runs ~/.openfaas/plugins/<name> with the remaining arguments, passing its exit code through', async () => {
    const env = cleanEnv()
    const dir = path.join(env.HOME!, '.openfaas', 'plugins')
    await fs.mkdir(dir, {recursive: true})
    await fs.writeFile(path.join(dir, 'pro'), '#!/bin/sh\necho "pro plugin: $*"\nexit 3\n', {mode: 0o755})
    const r = await runCli(['pro', 'auth', '--x'], {env})
    assert.equal(r.code, 3)
    assert.equal(r.stdout, 'pro plugin: auth --x\n')
  })
})

describe('--json: errors are one JSON object on stderr', () => {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {flags: Record<string, unknown>; args?: Record<string, {required?: boolean}>}>}
  const jsonCommands = Object.keys(manifest.commands).filter((id) => manifest.commands[id].flags.json).sort()
  const dead = 'http://127.0.0.1:1'
  /** A run of each that fails after parsing (no gateway / store there). */
  const failing: Record<string, string[]> = {
    list: ['list', '-g', dead],
    describe: ['describe', 'x', '-g', dead],
    logs: ['logs', 'x', '-g', dead, '--tail=false'],
    diff: ['diff', '-g', dead],
    'secret:list': ['secret', 'list', '-g', dead],
    'secret:unseal': ['secret', 'unseal', path.join(tempDir(), 'no-such-key')],
    'namespace:list': ['namespace', 'list', '-g', dead],
    namespaces: ['namespaces', '-g', dead],
    'namespace:get': ['namespace', 'get', 'x', '-g', dead],
    'store:list': ['store', 'list', '--url', `${dead}/functions.json`],
    'store:describe': ['store', 'describe', 'x', '--url', `${dead}/functions.json`],
    'template:store:list': ['template', 'store', 'list', '--url', `${dead}/templates.json`],
    'template:store:describe': ['template', 'store', 'describe', 'x', '--url', `${dead}/templates.json`],
  }
  const cwd = tempDir()
  writeFileSync(path.join(cwd, 'stack.yaml'), 'version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n  x:\n    image: acme/x:1\n')

  /** stderr holds only JSON lines (warnings are {"warning": …}), the last one the error object. */
  function oneJsonError(stderr: string, label: string): {error: string; hint?: string} {
    const lines = stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>)
    assert.equal(lines.filter((l) => 'error' in l).length, 1, `${label}: one error object on stderr, got ${JSON.stringify(stderr)}`)
    for (const l of lines.slice(0, -1)) assert.deepEqual(Object.keys(l), ['warning'], label)
    const parsed = lines.at(-1) as {error: string; hint?: string}
    assert.equal(typeof parsed.error, 'string', label)
    assert.deepEqual(Object.keys(parsed).filter((k) => k !== 'error' && k !== 'hint'), [], label)
    return parsed
  }

  it('every command with -j/--json is covered here (version succeeds without a gateway)', () => {
    assert.deepEqual([...Object.keys(failing), 'version'].sort(), jsonCommands)
  })

  it('a failure after parsing, with -j and with --json', async () => {
    for (const [id, args] of Object.entries(failing)) {
      const r = await runCli([...args, id.length % 2 ? '-j' : '--json'], {cwd})
      assert.equal(r.code, 1, `${id}: ${r.stderr}`)
      assert.equal(r.stdout, '', id)
      oneJsonError(r.stderr, id)
    }
  })

  it('a parse error (unknown flag), including for version', async () => {
    for (const id of jsonCommands) {
      const args = [...id.split(':'), ...(manifest.commands[id].args && Object.values(manifest.commands[id].args!).some((a) => a.required) ? ['x'] : []), '--bogus', '-j']
      const r = await runCli(args, {cwd})
      assert.equal(r.code, 1, id)
      const e = oneJsonError(r.stderr, id)
      assert.equal(e.error, 'unknown flag: --bogus', id)
    }
  })

  it('without -j the same failure is text', async () => {
    const r = await runCli(failing.list, {cwd})
    assert.match(r.stderr, /^Error: /)
  })
})
