/**
 * Attack: a template whose symbolic links look as if they stay inside but lead outside once they
 * are followed for real: `a -> .` makes `a/a/a/../../..` climb three folders while its text
 * climbs none; a link to a link to a link; a path through a linked folder. Checked as text, such
 * a link passed and, once written into ./template (or into a new handler folder), gave whoever
 * reads or builds it a file of the host. Every link must be resolved hop by hop and the whole
 * template refused, with an error that names the entry, before anything is written.
 *
 * The secret is a real file outside the project; each link is written so that at its
 * destination it would really reach that file.
 */
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {runCli, tempDir} from '../helpers/cli.js'
import {git, makeTar, makeTemplateRepo, templateFiles, writeFiles} from '../templates/helpers.js'

function secretFile(): string {
  const file = path.join(tempDir('faas-host-secret-'), 'secret.txt')
  writeFileSync(file, 'TOP SECRET\n')
  return file
}

/** `..` enough times to climb from `dir` to `/`, then down to `target`. */
function upAndOver(dir: string, target: string): string {
  return '../'.repeat(dir.split('/').filter(Boolean).length) + path.relative('/', target)
}

type Links = Record<string, string>

/**
 * The tricks, as the links of a template that will live in `dir` (its own folder at the
 * destination). Each one resolves, for real, to `secret`; read as text, each stays inside.
 */
function tricks(dir: string, secret: string): Record<string, Links> {
  const depth = dir.split('/').filter(Boolean).length
  return {
    'a link to itself climbed through (a -> ., leak -> a/a/a/../../..)': {a: '.', leak: 'a/'.repeat(depth) + upAndOver(dir, secret)},
    'a chain of links to links': {a: '.', l1: 'l2', l2: 'sub/l3', 'sub/l3': '../l4', l4: 'a/'.repeat(depth) + upAndOver(dir, secret)},
    'a path through a linked folder': {'sub/up': '..', leak: 'sub/up/'.repeat(depth) + upAndOver(dir, secret)},
  }
}

function addLinks(root: string, links: Links): void {
  for (const [rel, target] of Object.entries(links)) {
    mkdirSync(path.dirname(path.join(root, rel)), {recursive: true})
    symlinkSync(target, path.join(root, rel))
  }
}

function assertNothingWritten(cwd: string): void {
  const dir = path.join(cwd, 'template')
  assert.ok(!existsSync(dir) || readdirSync(dir).length === 0, `nothing in ./template, found ${existsSync(dir) ? readdirSync(dir).join(' ') : ''}`)
}

/** The links of a trick that lead outside (the others, like `a -> .`, stay inside). */
function escaping(links: Links): string[] {
  return Object.keys(links).filter((rel) => links[rel] !== '.' && links[rel] !== '..')
}

/** Refused with an error that names one of `entries` (a chain can be reported at any of its links). */
function assertRefused(result: {code: number; stdout: string; stderr: string}, prefix: string, entries: string[]): void {
  assert.equal(result.code, 1, `refused, got exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`)
  const names = entries.map((e) => `${prefix}/${e}`.replace(/[/.]/g, '\\$&')).join('|')
  assert.match(result.stderr, new RegExp(`^Error: .*(${names}) is a symlink to .*, which leads outside`, 'm'))
  assert.match(result.stderr, /^Hint: .*nothing of it was written/m)
  assert.doesNotMatch(result.stdout + result.stderr, /TOP SECRET/)
}

describe('security: template links are resolved for real before anything is written', () => {
  const secret = secretFile()

  for (const trick of Object.keys(tricks('/x', secret))) {
    it(`template pull (git, file://) refuses ${trick}`, async () => {
      const cwd = tempDir()
      const links = tricks(path.join(cwd, 'template', 'evil'), secret)[trick]
      const repo = makeTemplateRepo({good: templateFiles('good'), evil: templateFiles('evil')})
      addLinks(path.join(repo.dir, 'template', 'evil'), links)
      git(['add', '-A'], repo.dir)
      git(['commit', '-q', '-m', 'links'], repo.dir)
      const result = await runCli(['template', 'pull', repo.url], {cwd})
      assertRefused(result, 'template/evil', escaping(links))
      assertNothingWritten(cwd)
    })

    it(`template pull (tarball) refuses ${trick}`, async () => {
      const cwd = tempDir()
      const links = tricks(path.join(cwd, 'template', 'evil'), secret)[trick]
      const entries: Parameters<typeof makeTar>[0] = [
        {name: 'template/', type: '5'},
        {name: 'template/evil/', type: '5'},
        {name: 'template/evil/template.yml', content: 'language: evil\n'},
        {name: 'template/evil/sub/', type: '5'},
        ...Object.entries(links).map(([rel, target]) => ({name: `template/evil/${rel}`, type: '2' as const, linkname: target})),
      ]
      const archive = path.join(tempDir(), 'templates.tar.gz')
      writeFileSync(archive, makeTar(entries))
      const result = await runCli(['template', 'pull', archive], {cwd})
      assert.equal(result.code, 1, result.stdout + result.stderr)
      assert.match(result.stderr, /^Error: unsafe template archive templates\.tar\.gz: template\/evil\/\S+ is a symlink to .*, which leads outside the archive/m)
      assertNothingWritten(cwd)
    })

    it(`new refuses a template already in ./template whose handler folder has ${trick}`, async () => {
      const cwd = tempDir()
      const templateDir = path.join(cwd, 'template', 'evil')
      writeFiles(templateDir, templateFiles('evil'))
      // the sample handler is copied to ./hello: that is where the links would be followed
      const links = tricks(path.join(cwd, 'hello'), secret)[trick]
      addLinks(path.join(templateDir, 'function'), links)
      const result = await runCli(['new', 'hello', '--lang', 'evil'], {cwd})
      assertRefused(result, 'template/evil/function', escaping(links))
      assert.equal(existsSync(path.join(cwd, 'hello')), false, 'no handler folder')
      assert.equal(existsSync(path.join(cwd, 'stack.yaml')), false, 'no stack file')
    })
  }

  it('template pull still refuses an absolute link, and a link to a link that is absolute', async () => {
    const cwd = tempDir()
    const repo = makeTemplateRepo({evil: templateFiles('evil')})
    addLinks(path.join(repo.dir, 'template', 'evil'), {hop: 'abs', abs: secret})
    git(['add', '-A'], repo.dir)
    git(['commit', '-q', '-m', 'links'], repo.dir)
    const result = await runCli(['template', 'pull', repo.url], {cwd})
    assert.equal(result.code, 1)
    assert.match(result.stderr, /template\/evil\/abs is a symlink to the absolute path /)
    assertNothingWritten(cwd)
  })

  it('new refuses a template folder in ./template that is a link to a folder elsewhere', async () => {
    const cwd = tempDir()
    const elsewhere = tempDir('faas-elsewhere-')
    writeFiles(elsewhere, templateFiles('evil', {'function/stolen.txt': 'TOP SECRET\n'}))
    mkdirSync(path.join(cwd, 'template'))
    symlinkSync(elsewhere, path.join(cwd, 'template', 'evil'))
    const result = await runCli(['new', 'hello', '--lang', 'evil'], {cwd})
    assert.equal(result.code, 1, result.stdout)
    assert.match(result.stderr, /^Error: template\/evil is a symlink to .* outside \.\/template/m)
    assert.equal(existsSync(path.join(cwd, 'hello')), false)
  })

  it('links that stay inside the template keep working (pull and new)', async () => {
    const cwd = tempDir()
    const repo = makeTemplateRepo({ok: templateFiles('ok', {'function/lib/data.txt': 'data\n'})})
    addLinks(path.join(repo.dir, 'template', 'ok'), {'function/a': '.', 'function/data.txt': 'a/a/lib/../lib/data.txt', 'function/alias': 'lib', 'Dockerfile.link': 'function/../Dockerfile'})
    git(['add', '-A'], repo.dir)
    git(['commit', '-q', '-m', 'links'], repo.dir)
    const pulled = await runCli(['template', 'pull', repo.url], {cwd})
    assert.equal(pulled.code, 0, pulled.stderr)
    const created = await runCli(['new', 'hello', '--lang', 'ok'], {cwd})
    assert.equal(created.code, 0, created.stderr)
    assert.ok(existsSync(path.join(cwd, 'hello', 'data.txt')))
    assert.ok(existsSync(path.join(cwd, 'template', 'ok', 'Dockerfile.link')))
  })
})
