import assert from 'node:assert/strict'
import {existsSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {archiveEntryProblem} from '../../src/templates/archive.js'
import {pullTemplates} from '../../src/templates/pull.js'
import {UnsafeTemplateError} from '../../src/templates/safety.js'
import {git, makeTar, makeTemplateRepo, templateFiles, tmp} from './helpers.js'

const quiet = () => {}

/** A repository whose template `evil` holds a symlink `link` -> target (committed as a symlink). */
function repoWithSymlink(target: string, where = 'template/evil/link') {
  const repo = makeTemplateRepo({good: templateFiles('good'), evil: templateFiles('evil')})
  symlinkSync(target, path.join(repo.dir, where))
  git(['add', '-A'], repo.dir)
  git(['commit', '-q', '-m', 'symlink'], repo.dir)
  return repo
}

function assertNothingWritten(cwd: string): void {
  const dir = path.join(cwd, 'template')
  assert.ok(!existsSync(dir) || readdirSync(dir).length === 0, `nothing in ./template, found ${existsSync(dir) ? readdirSync(dir) : ''}`)
}

async function assertRejected(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof UnsafeTemplateError, `an UnsafeTemplateError, got ${String(err)}`)
    assert.match(err.message, pattern)
    assert.match(err.hint ?? '', /nothing of it was written/)
    return true
  })
}

describe('template safety: repositories', () => {
  it('rejects a symlink that climbs out of ./template, writing nothing', async () => {
    const repo = repoWithSymlink('../../../../etc/passwd')
    const cwd = tmp()
    await assertRejected(pullTemplates(repo.url, {cwd, overwrite: true, log: quiet}), /template\/evil\/link is a symlink to \.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd, which leads outside template\/evil/)
    assertNothingWritten(cwd)
  })

  it('rejects a symlink into another template (it would point elsewhere once stored as name@ref)', async () => {
    const repo = repoWithSymlink('../good/Dockerfile')
    const cwd = tmp()
    await assertRejected(pullTemplates(repo.url, {cwd, overwrite: true, log: quiet}), /template\/evil\/link is a symlink to \.\.\/good\/Dockerfile, which leads outside template\/evil/)
    assertNothingWritten(cwd)
  })

  it('rejects an absolute symlink', async () => {
    const repo = repoWithSymlink('/etc/passwd')
    const cwd = tmp()
    await assertRejected(pullTemplates(repo.url, {cwd, overwrite: true, log: quiet}), /template\/evil\/link is a symlink to the absolute path \/etc\/passwd/)
    assertNothingWritten(cwd)
  })

  it('rejects a template folder that is a symlink out of the repository', async () => {
    const repo = repoWithSymlink('/tmp', 'template/outside')
    const cwd = tmp()
    await assertRejected(pullTemplates(repo.url, {cwd, overwrite: true, log: quiet}), /template\/outside .* is a symlink to \/tmp, which points outside the repository/)
    assertNothingWritten(cwd)
  })

  it('rejects a repository whose template/ folder is a symlink', async () => {
    const repo = makeTemplateRepo({}, {files: {'real/x/template.yml': 'language: x\n'}})
    symlinkSync('real', path.join(repo.dir, 'template'))
    git(['add', '-A'], repo.dir)
    git(['commit', '-q', '-m', 'link'], repo.dir)
    await assertRejected(pullTemplates(repo.url, {cwd: tmp(), overwrite: true, log: quiet}), /template\/ in .* is a symlink/)
  })

  it('keeps a symlink that stays inside the template', async () => {
    const repo = repoWithSymlink('../Dockerfile', 'template/evil/function/Dockerfile.link')
    const cwd = tmp()
    const result = await pullTemplates(repo.url, {cwd, overwrite: true, log: quiet})
    assert.deepEqual(result.written, ['evil', 'good'])
    assert.equal(readlinkSync(path.join(cwd, 'template', 'evil', 'function', 'Dockerfile.link')), '../Dockerfile')
  })

  it('does not follow an existing ./template/<name> symlink when replacing it', async () => {
    const repo = makeTemplateRepo({alpha: templateFiles('alpha')})
    const cwd = tmp()
    const elsewhere = tmp()
    writeFileSync(path.join(elsewhere, 'precious.txt'), 'keep\n')
    const {mkdirSync} = await import('node:fs')
    mkdirSync(path.join(cwd, 'template'))
    symlinkSync(elsewhere, path.join(cwd, 'template', 'alpha'))
    await pullTemplates(repo.url, {cwd, overwrite: true, log: quiet})
    assert.equal(readFileSync(path.join(elsewhere, 'precious.txt'), 'utf8'), 'keep\n')
    assert.deepEqual(readdirSync(elsewhere), ['precious.txt'], 'nothing written through the link')
    assert.ok(existsSync(path.join(cwd, 'template', 'alpha', 'template.yml')))
  })
})

describe('template safety: archives', () => {
  const good = [
    {name: 'template/', type: '5' as const},
    {name: 'template/alpha/', type: '5' as const},
    {name: 'template/alpha/template.yml', content: 'language: alpha\n'},
    {name: 'template/alpha/function/handler.sh', content: 'cat\n', mode: 0o755},
  ]

  function archive(entries: Parameters<typeof makeTar>[0], gzip = true): string {
    const dir = tmp()
    const file = path.join(dir, gzip ? 'templates.tar.gz' : 'templates.tar')
    writeFileSync(file, makeTar(entries, gzip))
    return file
  }

  it('pulls the templates of a well-formed archive', async () => {
    const cwd = tmp()
    const result = await pullTemplates(archive(good), {cwd, overwrite: true, log: quiet})
    assert.deepEqual(result.written, ['alpha'])
    assert.equal(readFileSync(path.join(cwd, 'template', 'alpha', 'template.yml'), 'utf8'), 'language: alpha\n')
    // a GitHub-style archive with one top-level folder works too, plain tar as well
    const cwd2 = tmp()
    const nested = good.map((e) => ({...e, name: `repo-1234/${e.name}`}))
    assert.deepEqual((await pullTemplates(archive(nested, false), {cwd: cwd2, overwrite: true, log: quiet})).written, ['alpha'])
  })

  const cases: Array<[string, Parameters<typeof makeTar>[0], RegExp]> = [
    ['a ".." path', [...good, {name: 'template/alpha/../../../escape.txt', content: 'x'}], /template\/alpha\/\.\.\/\.\.\/\.\.\/escape\.txt has a "\.\." path segment/],
    ['an absolute path', [...good, {name: '/tmp/escape.txt', content: 'x'}], /\/tmp\/escape\.txt has an absolute path/],
    ['a symlink out of the archive', [...good, {name: 'template/alpha/link', type: '2', linkname: '../../../etc/passwd'}], /template\/alpha\/link is a symlink to \.\.\/\.\.\/\.\.\/etc\/passwd, which leads outside the archive/],
    ['an absolute symlink', [...good, {name: 'template/alpha/link', type: '2', linkname: '/etc/passwd'}], /template\/alpha\/link is a symlink to the absolute path \/etc\/passwd/],
    ['a hard link out of the archive', [...good, {name: 'template/alpha/hard', type: '1', linkname: '../outside'}], /template\/alpha\/hard is a hard link to \.\.\/outside, outside the archive/],
    ['a device entry', [...good, {name: 'template/alpha/dev', type: '3'}], /template\/alpha\/dev is a CharacterDevice entry/],
  ]
  for (const [what, entries, message] of cases) {
    it(`rejects an archive with ${what}, writing nothing`, async () => {
      const cwd = tmp()
      await assertRejected(pullTemplates(archive(entries), {cwd, overwrite: true, log: quiet}), message)
      assertNothingWritten(cwd)
      assert.equal(existsSync(path.join(path.dirname(cwd), 'escape.txt')), false)
    })
  }

  it('judges entries against the archive root', () => {
    assert.equal(archiveEntryProblem({path: 'template/a/link', type: 'SymbolicLink', linkpath: '../b/file'}), undefined)
    assert.equal(archiveEntryProblem({path: 'template/a/hard', type: 'Link', linkpath: 'template/b/file'}), undefined)
    assert.ok(archiveEntryProblem({path: 'C:/x', type: 'File'}))
    assert.ok(archiveEntryProblem({path: 'a/fifo', type: 'FIFO'}))
  })
})
