/**
 * `completion --shell bash|zsh` and the hidden `print-token FILE` (spec §1.0, §1.2).
 * The bash script is loaded into a real bash and asked for completions the way bash asks.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'

import {binPath, runCli, tempDir} from '../helpers/cli.js'

function haveShell(name: string): boolean {
  return spawnSync(name, ['-c', 'exit 0']).status === 0
}

describe('faas completion', () => {
  let script = ''
  before(async () => {
    const r = await runCli(['completion', '--shell', 'bash'])
    assert.equal(r.code, 0, r.stderr)
    script = path.join(tempDir(), 'faas.bash')
    writeFileSync(script, r.stdout)
  })

  /** What bash completion offers for the words typed (the last one is the word being completed). */
  function complete(...args: Array<string | {cwd: string; path: string}>): string[] {
    const where = typeof args[0] === 'object' ? (args.shift() as {cwd: string; path: string}) : undefined
    const words = args as string[]
    const quoted = words.map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(' ')
    const env = where ? {...process.env, PATH: `${where.path}:${process.env.PATH}`, HOME: tempDir()} : process.env
    const r = spawnSync('bash', ['-c', `source '${script}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _faas_complete; printf '%s\\n' "\${COMPREPLY[@]}"; complete -p faas faas-cli`], {encoding: 'utf8', cwd: where?.cwd, env})
    assert.equal(r.status, 0, r.stderr)
    return r.stdout.split('\n').filter(Boolean)
  }

  it('completes commands, subcommands, aliases and flags for faas and faas-cli', {skip: !haveShell('bash') && 'no bash'}, () => {
    const top = complete('faas', '')
    for (const c of ['build', 'deploy', 'namespace', 'secret', 'store', 'template', 'completion', 'up', 'version']) assert.ok(top.includes(c), c)
    assert.ok(!top.includes('print-token') && !top.includes('namespaces') && !top.includes('bashcompletion'), 'hidden commands are not offered')
    for (const c of ['chart', 'plugin']) assert.ok(top.includes(c), c)
    assert.deepEqual(complete('faas', 'secret', 'uns').filter((l) => !l.startsWith('complete ')), ['unseal'])
    assert.ok(top.some((l) => l === 'complete -o default -F _faas_complete faas'))
    assert.ok(top.some((l) => l === 'complete -o default -F _faas_complete faas-cli'))
    assert.deepEqual(complete('faas', 'secret', 'cr').slice(0, 1), ['create'])
    assert.deepEqual(complete('faas-cli', 'ns', 'l').slice(0, 2), ['list', 'ls'])
    assert.deepEqual(complete('faas', 'secret', 'create', '--from-').slice(0, 2), ['--from-file', '--from-literal'])
    assert.deepEqual(complete('faas', 'template', 'store', '').slice(0, 4), ['describe', 'list', 'ls', 'pull'])
    // a flag's value is left to the shell's file completion; the command path still holds after it
    assert.deepEqual(complete('faas', 'deploy', '-f', '').filter((l) => !l.startsWith('complete ')), [])
    assert.ok(complete('faas', 'deploy', '-f', 'stack.yml', '--rea').includes('--read-template'))
  })

  describe('values', () => {
    // the script asks `faas __complete KIND`: a faas on PATH, as after installing
    const bin = tempDir()
    for (const name of ['faas', 'faas-cli']) writeFileSync(path.join(bin, name), `#!/bin/sh\nexec "${process.execPath}" "${binPath}" "$@"\n`, {mode: 0o755})
    const project = tempDir()
    writeFileSync(path.join(project, 'stack.yaml'), 'version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n  api-users:\n    image: a:1\n  api-orders:\n    image: b:1\n  web:\n    image: c:1\n')
    writeFileSync(path.join(project, 'other.yml'), 'version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n  elsewhere:\n    image: d:1\n')
    mkdirSync(path.join(project, 'template', 'my-lang'), {recursive: true})
    writeFileSync(path.join(project, 'template', 'my-lang', 'template.yml'), 'language: my-lang\nfprocess: cat\n')
    const values = (...words: string[]) => complete({cwd: project, path: bin}, ...words).filter((l) => !l.startsWith('complete '))

    it('function names of the stack for invoke, logs, describe, remove (and its aliases), --filter', {skip: !haveShell('bash') && 'no bash'}, () => {
      for (const command of ['invoke', 'logs', 'describe', 'remove', 'rm', 'delete']) assert.deepEqual(values('faas', command, 'api-').sort(), ['api-orders', 'api-users'], command)
      assert.deepEqual(values('faas', 'list', '--filter', '').sort(), ['api-orders', 'api-users', 'web'])
      assert.deepEqual(values('faas', 'deploy', '--filter', 'w'), ['web'])
      assert.deepEqual(values('faas', 'logs', '-f', 'other.yml', ''), ['elsewhere'], '-f names the stack file')
      assert.deepEqual(values('faas-cli', 'invoke', '--yaml=other.yml', 'e'), ['elsewhere'])
    })

    it('languages for new --lang (./template and the shipped templates), store templates for template store pull', {skip: !haveShell('bash') && 'no bash'}, () => {
      const langs = values('faas', 'new', 'fn', '--lang', '')
      for (const l of ['my-lang', 'node20', 'python3-http', 'bash', 'golang-http', 'dockerfile']) assert.ok(langs.includes(l), `${l} in ${langs.join(' ')}`)
      assert.deepEqual(values('faas', 'new', 'fn', '--lang', 'my'), ['my-lang'])
      const store = values('faas', 'template', 'store', 'pull', 'python3-')
      assert.ok(store.includes('python3-http') && store.every((t) => t.startsWith('python3-')), store.join(' '))
      // other flags with a value still complete files (the shell's default)
      assert.deepEqual(values('faas', 'new', 'fn', '--handler', ''), [])
    })

    it('nothing (and no error) for a stack that does not parse or is not there', {skip: !haveShell('bash') && 'no bash'}, () => {
      assert.deepEqual(values('faas', 'invoke', '-f', 'missing.yml', ''), [])
      assert.deepEqual(complete({cwd: tempDir(), path: bin}, 'faas', 'invoke', '').filter((l) => !l.startsWith('complete ')), [])
    })
  })

  it('is the one completion command: oclif\'s autocomplete plugin is not installed', async () => {
    const r = await runCli(['autocomplete'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: unknown command "autocomplete"/)
  })

  it('prints a zsh script registered for both names', async () => {
    const r = await runCli(['completion', '--shell', 'zsh'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^#compdef faas faas-cli$/m)
    assert.match(r.stdout, /^compdef _faas faas faas-cli$/m)
    assert.match(r.stdout, /"secret create"\) echo "[^"]*--from-literal/)
    if (haveShell('zsh')) {
      const file = path.join(tempDir(), '_faas')
      writeFileSync(file, r.stdout)
      const check = spawnSync('zsh', ['-n', file], {encoding: 'utf8'})
      assert.equal(check.status, 0, check.stderr)
    }
  })

  it('requires --shell bash or zsh', async () => {
    const missing = await runCli(['completion'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /shell/)
    const fish = await runCli(['completion', '--shell=fish'])
    assert.equal(fish.code, 1)
    assert.match(fish.stderr, /bash, zsh/)
  })
})

describe('faas print-token (hidden)', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const header = {alg: 'RS256', typ: 'JWT', kid: 'k1'}
  const payload = {sub: 'alice', iss: 'https://idp.example.com', exp: 1_900_000_000, groups: ['a', 'b']}
  const signature = 'c2lnbmF0dXJlLW5ldmVyLXNob3du'

  it('prints the header and payload, indented, and never the signature', async () => {
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'token.txt'), `${b64(header)}.${b64(payload)}.${signature}\n`)
    const r = await runCli(['print-token', 'token.txt'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), {header, payload})
    assert.equal(r.stdout, JSON.stringify({header, payload}, null, 2) + '\n')
    assert.ok(!r.stdout.includes(signature) && !r.stderr.includes(signature))
  })

  it('fails clearly on a file that is not a JWT, or no file', async () => {
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'bad.txt'), 'not-a-token\n')
    writeFileSync(path.join(cwd, 'bad-json.txt'), `${b64(header)}.bm90IGpzb24.${signature}`)
    const bad = await runCli(['print-token', 'bad.txt'], {cwd})
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /bad\.txt does not hold a JWT: expected 3 dot-separated parts, found 1/)
    const badJson = await runCli(['print-token', 'bad-json.txt'], {cwd})
    assert.equal(badJson.code, 1)
    assert.match(badJson.stderr, /its payload is not JSON/)
    assert.ok(!badJson.stderr.includes(signature))
    const missing = await runCli(['print-token', 'nope.txt'], {cwd})
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /unable to read nope\.txt: no such file or directory/)
  })

  it('is hidden from the command list', async () => {
    const help = await runCli(['--help'])
    assert.ok(!help.stdout.includes('print-token'))
  })
})

describe('faas bashcompletion FILENAME (hidden, deprecated)', () => {
  it('writes the bash script of "completion --shell bash" to the file (0644), with faas-cli\'s deprecation note', async () => {
    const cwd = tempDir()
    const r = await runCli(['bashcompletion', 'faas.bash'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'Command "bashcompletion" is deprecated, please use the "completion" command\n')
    const printed = await runCli(['completion', '--shell', 'bash'])
    assert.equal(readFileSync(path.join(cwd, 'faas.bash'), 'utf8'), printed.stdout)
    assert.equal(statSync(path.join(cwd, 'faas.bash')).mode & 0o777, 0o644)
  })

  it('fails with faas-cli\'s messages without a file name or when the file cannot be written', async () => {
    const none = await runCli(['bashcompletion'])
    assert.equal(none.code, 1)
    assert.match(none.stderr, /Error: please provide filename for bash completion\nHint: Or print the script: faas completion --shell bash/)
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'file'), '')
    const bad = await runCli(['bashcompletion', 'file/inside-a-file.bash'], {cwd})
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /Error: unable to create bash completion file\nHint: .*(ENOTDIR|EEXIST)/)
  })
})
