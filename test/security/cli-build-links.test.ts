/**
 * Attack: a project (a repository someone clones and builds) whose handler folder, template
 * folder or extra copy path holds a symbolic link that leads out of it, to a file or folder of
 * the host. The build context followed such links and copied what they point at into
 * build/<fn>/ (and, without --shrinkwrap, sent it to the container engine). Now the build is
 * refused with an error that names the link, before the engine runs; links that stay inside
 * keep working as before (their content is copied).
 */
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {fakeEngineEnv, readEngineLog} from '../build/helpers.js'
import {cleanEnv, runCli, tempDir} from '../helpers/cli.js'

const SECRET = 'TOP SECRET\n'

function hostSecrets(): {file: string; dir: string} {
  const dir = tempDir('faas-host-')
  writeFileSync(path.join(dir, 'id_rsa'), SECRET)
  return {file: path.join(dir, 'id_rsa'), dir}
}

/** A project with template `tpl` and function `hello` (handler ./hello); `copy` adds configuration.copy. */
function project(copy: string[] = []): string {
  const cwd = tempDir('faas-proj-')
  const files: Record<string, string> = {
    'template/tpl/template.yml': 'language: tpl\nfprocess: cat\n',
    'template/tpl/Dockerfile': 'FROM scratch\nCOPY . /home/app\n',
    'template/tpl/function/sample.txt': 'sample\n',
    'hello/handler.sh': 'cat\n',
    'hello/sub/real.txt': 'real\n',
    'common/shared.txt': 'shared\n',
    'stack.yaml': `version: 1.0\nprovider:\n  name: openfaas\n${copy.length ? `configuration:\n  copy:\n${copy.map((c) => `    - ${c}\n`).join('')}` : ''}functions:\n  hello:\n    lang: tpl\n    handler: ./hello\n    image: hello:latest\n`,
  }
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(cwd, rel)), {recursive: true})
    writeFileSync(path.join(cwd, rel), content)
  }
  return cwd
}

/** Every file under `dir` (following nothing), for "the secret is nowhere in build/". */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, {recursive: true, withFileTypes: true}).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name))
}

function assertRefused(result: {code: number; stdout: string; stderr: string}, cwd: string, entry: RegExp): void {
  assert.equal(result.code, 1, `refused, got exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`)
  assert.match(result.stderr, entry)
  assert.match(result.stderr, /^Hint: /m)
  assert.doesNotMatch(result.stderr, /looks like a bug/)
  for (const f of filesUnder(path.join(cwd, 'build'))) assert.notEqual(readFileSync(f, 'utf8'), SECRET, `${f} holds the host's secret`)
}

describe('security: the build context never follows a link out of the handler or template folder', () => {
  const secret = hostSecrets()

  const cases: Array<[string, (cwd: string) => void, RegExp]> = [
    ['an absolute link in the handler', (cwd) => symlinkSync(secret.file, path.join(cwd, 'hello/creds')), /\.\/hello\/creds is a symlink to .*id_rsa, which leads outside the handler folder \.\/hello$/m],
    ['a relative link climbing out of the handler', (cwd) => symlinkSync(path.relative(path.join(cwd, 'hello'), secret.file), path.join(cwd, 'hello/creds')), /hello\/creds is a symlink to \.\.\/.*, which leads outside the handler folder/],
    ['a link to a folder of the host', (cwd) => symlinkSync(secret.dir, path.join(cwd, 'hello/ssh')), /hello\/ssh is a symlink to .*, which leads outside the handler folder/],
    ['a link into the project but out of the handler', (cwd) => symlinkSync('../common/shared.txt', path.join(cwd, 'hello/shared.txt')), /hello\/shared\.txt is a symlink to \.\.\/common\/shared\.txt, which leads outside the handler folder/],
    ['a chain through a link to itself (a -> ., leak -> a/a/../../..)', (cwd) => {
      symlinkSync('.', path.join(cwd, 'hello/sub/a'))
      const up = path.join(cwd, 'hello/sub').split('/').filter(Boolean).length
      symlinkSync('a/'.repeat(up) + '../'.repeat(up) + path.relative('/', secret.file), path.join(cwd, 'hello/sub/leak'))
    }, /hello\/sub\/leak is a symlink to .*, which leads outside the handler folder/],
    ['a link out of the template folder', (cwd) => symlinkSync(secret.file, path.join(cwd, 'template/tpl/creds')), /template\/tpl\/creds is a symlink to .*id_rsa, which leads outside the template folder/],
  ]
  for (const [what, plant, message] of cases) {
    it(`build --shrinkwrap refuses ${what}`, async () => {
      const cwd = project()
      plant(cwd)
      assertRefused(await runCli(['build', '--shrinkwrap'], {cwd, env: cleanEnv()}), cwd, message)
    })
  }

  it('build refuses before the container engine runs', async () => {
    const cwd = project()
    symlinkSync(secret.file, path.join(cwd, 'hello/creds'))
    const {env, log} = fakeEngineEnv()
    assertRefused(await runCli(['build'], {cwd, env}), cwd, /hello\/creds is a symlink/)
    assert.deepEqual(readEngineLog(log).filter((c) => c.argv.includes('build')), [])
  })

  it('a handler folder of the project that is a link to a folder of the host is refused', async () => {
    const cwd = project()
    rmSync(path.join(cwd, 'hello'), {recursive: true})
    symlinkSync(secret.dir, path.join(cwd, 'hello'))
    assertRefused(await runCli(['build', '--shrinkwrap'], {cwd, env: cleanEnv()}), cwd, /\.\/hello is a symlink to .*, which leads outside the project/)
  })

  it('an extra copy path (configuration.copy) that is a link out of the project is refused', async () => {
    const cwd = project(['./linked'])
    symlinkSync(secret.dir, path.join(cwd, 'linked'))
    assertRefused(await runCli(['build', '--shrinkwrap'], {cwd, env: cleanEnv()}), cwd, /linked is a symlink to .*, which leads outside the project/)
  })

  it('links that stay inside keep working: their content is copied', async () => {
    const cwd = project(['./common'])
    symlinkSync('sub/real.txt', path.join(cwd, 'hello/real-link.txt'))
    symlinkSync(path.join(cwd, 'hello/sub'), path.join(cwd, 'hello/alias'))
    symlinkSync('.', path.join(cwd, 'hello/sub/self'))
    symlinkSync('function/sample.txt', path.join(cwd, 'template/tpl/sample-link.txt'))
    const result = await runCli(['build', '--shrinkwrap'], {cwd, env: cleanEnv()})
    assert.equal(result.code, 0, result.stderr)
    const ctx = path.join(cwd, 'build/hello')
    assert.equal(readFileSync(path.join(ctx, 'function/real-link.txt'), 'utf8'), 'real\n')
    assert.equal(readFileSync(path.join(ctx, 'function/alias/real.txt'), 'utf8'), 'real\n')
    assert.equal(readFileSync(path.join(ctx, 'sample-link.txt'), 'utf8'), 'sample\n')
    assert.equal(readFileSync(path.join(ctx, 'function/common/shared.txt'), 'utf8'), 'shared\n')
  })
})
