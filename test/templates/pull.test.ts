import assert from 'node:assert/strict'
import {existsSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {FaasError} from '../../src/errors.js'
import {fetchGitRepository} from '../../src/templates/fetch.js'
import {pullTemplates, wroteLine} from '../../src/templates/pull.js'
import {parseRepo} from '../../src/templates/repo.js'
import {git, makeTemplateRepo, recordingGit, templateFiles, tmp} from './helpers.js'

const quiet = () => {}

function meta(cwd: string, name: string): Record<string, string> {
  return JSON.parse(readFileSync(path.join(cwd, 'template', name, 'meta.json'), 'utf8'))
}

describe('template pull: repository argument', () => {
  it('accepts git URLs, file:// URLs and local folders, with #ref and #sha- pins', () => {
    const dir = tmp()
    assert.deepEqual(parseRepo('https://github.com/openfaas/templates.git', dir), {kind: 'git', url: 'https://github.com/openfaas/templates.git'})
    assert.deepEqual(parseRepo('https://github.com/openfaas/templates#1.0.0', dir), {kind: 'git', url: 'https://github.com/openfaas/templates', ref: '1.0.0'})
    assert.deepEqual(parseRepo('git@github.com:acme/t.git#main', dir), {kind: 'git', url: 'git@github.com:acme/t.git', ref: 'main'})
    assert.deepEqual(parseRepo('ssh://git@host/t.git', dir), {kind: 'git', url: 'ssh://git@host/t.git'})
    assert.deepEqual(parseRepo('file:///srv/t#sha-1a2b3c4d', dir), {kind: 'git', url: 'file:///srv/t', ref: 'sha-1a2b3c4d', sha: '1a2b3c4d'})
    assert.deepEqual(parseRepo(dir, dir), {kind: 'git', url: dir})
    assert.deepEqual(parseRepo(`${dir}#dev`, dir), {kind: 'git', url: dir, ref: 'dev'})
  })

  it("rejects anything else with faas-cli's message", () => {
    const dir = tmp()
    for (const bad of ['not a url', 'ftp://host/repo', './missing-folder', '']) {
      assert.throws(() => parseRepo(bad, dir), (err: unknown) => err instanceof FaasError && err.message === 'The repository URL must be a valid git repo uri', bad)
    }
    assert.throws(() => parseRepo('https://github.com/a/b#bad..ref', dir), /Invalid tag or branch name `bad..ref`/)
  })
})

describe('template pull', () => {
  it('copies every template of the repository, each with a meta.json', async () => {
    const repo = makeTemplateRepo({alpha: templateFiles('alpha'), beta: templateFiles('beta')}, {files: {'README.md': 'not a template\n', 'template/loose-file.txt': 'ignored\n'}})
    const cwd = tmp()
    const before = Date.now()
    const result = await pullTemplates(repo.url, {cwd, overwrite: true, log: quiet})
    assert.deepEqual(result.written, ['alpha', 'beta'])
    assert.equal(wroteLine(result.written), 'Wrote 2 template(s) : [alpha beta]')
    assert.deepEqual(readdirSync(path.join(cwd, 'template')).sort(), ['alpha', 'beta'])
    assert.equal(readFileSync(path.join(cwd, 'template', 'alpha', 'function', 'handler.txt'), 'utf8'), 'handler of alpha\n')
    const m = meta(cwd, 'alpha')
    assert.deepEqual(Object.keys(m), ['repository', 'sha', 'written_at'])
    assert.equal(m.repository, repo.url)
    assert.equal(m.sha, repo.sha)
    assert.ok(Date.parse(m.written_at) >= before - 1000)
    assert.equal(statSync(path.join(cwd, 'template')).mode & 0o777, 0o755)
    assert.equal(existsSync(path.join(cwd, 'template', 'alpha', '.git')), false)
  })

  it("runs git with faas-cli's exact argv, pinned to a branch with -b", async () => {
    const repo = makeTemplateRepo({alpha: templateFiles('alpha')})
    git(['branch', 'release'], repo.dir)
    const fake = recordingGit()
    const cwd = tmp()
    const env = {...process.env, PATH: `${fake.bin}:${process.env.PATH}`}
    const result = await pullTemplates(`${repo.url}#release`, {cwd, overwrite: true, env, log: quiet})
    assert.deepEqual(result.written, ['alpha@release'])
    const calls = readFileSync(fake.log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[])
    const clone = calls.find((c) => c[0] === 'clone')!
    assert.equal(clone.length, 8)
    assert.deepEqual([clone[0], clone[1], ...clone.slice(3)], ['clone', repo.url, '--depth=1', '--config', 'core.autocrlf=false', '-b', 'release'])
    assert.match(clone[2], /openFaasTemplates/)
    assert.equal(existsSync(clone[2]), false, 'the temporary clone is removed')
    const m = meta(cwd, 'alpha@release')
    assert.equal(m.ref_name, 'release')
    assert.deepEqual(Object.keys(m), ['repository', 'ref_name', 'sha', 'written_at'])
  })

  it('pins a commit with #sha-<hex>: full clone, then checkout', async () => {
    const repo = makeTemplateRepo({alpha: templateFiles('alpha')})
    const first = repo.sha
    repo.commit({'template/alpha/function/handler.txt': 'changed\n'})
    const fake = recordingGit()
    const cwd = tmp()
    const env = {...process.env, PATH: `${fake.bin}:${process.env.PATH}`}
    const pin = `sha-${first.slice(0, 10)}`
    const result = await pullTemplates(`${repo.url}#${pin}`, {cwd, overwrite: true, env, log: quiet})
    assert.deepEqual(result.written, [`alpha@${pin}`])
    assert.equal(result.sha, first)
    assert.equal(readFileSync(path.join(cwd, 'template', `alpha@${pin}`, 'function', 'handler.txt'), 'utf8'), 'handler of alpha\n')
    const calls = readFileSync(fake.log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[])
    assert.deepEqual([calls[0][0], ...calls[0].slice(3)], ['clone', '--config', 'core.autocrlf=false'])
    assert.deepEqual([calls[1][0], calls[1][2], calls[1][3]], ['-C', 'checkout', '--quiet'])
    assert.equal(calls[1][4], first.slice(0, 10))
  })

  it('with overwrite off, leaves existing templates alone and reports them', async () => {
    const repo = makeTemplateRepo({alpha: templateFiles('alpha'), beta: templateFiles('beta')})
    const cwd = tmp()
    await pullTemplates(repo.url, {cwd, overwrite: true, only: [{name: 'alpha'}], log: quiet})
    writeFileSync(path.join(cwd, 'template', 'alpha', 'Dockerfile'), 'MINE\n')
    const result = await pullTemplates(repo.url, {cwd, overwrite: false, log: quiet})
    assert.deepEqual(result.written, ['beta'])
    assert.deepEqual(result.existing, ['alpha'])
    assert.equal(readFileSync(path.join(cwd, 'template', 'alpha', 'Dockerfile'), 'utf8'), 'MINE\n')
    // overwrite on (the default) replaces the whole folder, stale files included
    writeFileSync(path.join(cwd, 'template', 'alpha', 'stale.txt'), 'old\n')
    const again = await pullTemplates(repo.url, {cwd, overwrite: true, log: quiet})
    assert.deepEqual(again.written, ['alpha', 'beta'])
    assert.equal(readFileSync(path.join(cwd, 'template', 'alpha', 'Dockerfile'), 'utf8'), 'FROM scratch\n# alpha\n')
    assert.equal(existsSync(path.join(cwd, 'template', 'alpha', 'stale.txt')), false)
    assert.deepEqual(readdirSync(path.join(cwd, 'template')).sort(), ['alpha', 'beta'], 'no staging folders left')
  })

  it('pulls only the named templates, stored under the requested name', async () => {
    const repo = makeTemplateRepo({alpha: templateFiles('alpha'), beta: templateFiles('beta')})
    const cwd = tmp()
    const result = await pullTemplates(repo.dir, {cwd, overwrite: true, only: [{name: 'beta', storeAs: 'beta@local'}], log: quiet})
    assert.deepEqual(result.written, ['beta@local'])
    assert.deepEqual(readdirSync(path.join(cwd, 'template')), ['beta@local'])
    await assert.rejects(pullTemplates(repo.dir, {cwd, overwrite: true, only: [{name: 'gamma'}], log: quiet}), (err: unknown) => {
      assert.ok(err instanceof FaasError)
      assert.equal(err.message, `template gamma was not found in ${repo.dir}`)
      assert.equal(err.hint, 'It has: alpha, beta.')
      return true
    })
  })

  it('says so when the repository has no template/ folder', async () => {
    const repo = makeTemplateRepo({}, {files: {'README.md': 'hi\n'}})
    await assert.rejects(pullTemplates(repo.url, {cwd: tmp(), overwrite: true, log: quiet}), /can't find templates in: .*no template\/ folder/)
  })

  it('reports a failed clone with git\'s reason and exit status', async () => {
    const missing = `file://${tmp()}/nope`
    await assert.rejects(pullTemplates(missing, {cwd: tmp(), overwrite: true, log: quiet}), (err: unknown) => {
      assert.ok(err instanceof FaasError)
      assert.match(err.message, /^Error while fetching templates: error invoking git clone: exit status 128/)
      return true
    })
    const repo = makeTemplateRepo({alpha: templateFiles('alpha')})
    await assert.rejects(pullTemplates(`${repo.url}#no-such-branch`, {cwd: tmp(), overwrite: true, log: quiet}), /exit status 128.*no-such-branch/)
  })

  it('logs where it fetches from', async () => {
    const repo = makeTemplateRepo({alpha: templateFiles('alpha')})
    const lines: string[] = []
    await pullTemplates(repo.url, {cwd: tmp(), overwrite: true, log: (l) => lines.push(l)})
    assert.deepEqual(lines, [`Fetching templates from ${repo.url}`])
  })
})

describe('template fetch: degit fast path', () => {
  it('takes hosted https repositories through degit, and falls back to git when it fails', async () => {
    const repo = makeTemplateRepo({alpha: templateFiles('alpha')})
    const tried: string[] = []
    // degit's fetch is replaced: "downloads" by copying the local repository's files
    const ok = await fetchGitRepository({kind: 'git', url: 'https://github.com/acme/templates', ref: 'v1'}, {
      log: quiet,
      degitFetch: async (url, ref, dest) => {
        tried.push(`${url}#${ref}`)
        git(['--work-tree', dest, 'checkout', 'HEAD', '--', '.'], repo.dir)
        return 'abc123'
      },
    })
    try {
      assert.deepEqual(tried, ['https://github.com/acme/templates#v1'])
      assert.equal(ok.sha, 'abc123')
      assert.ok(existsSync(path.join(ok.dir, 'template', 'alpha', 'template.yml')))
    } finally {
      await ok.cleanup()
    }
    assert.equal(existsSync(ok.dir), false)

    // degit fails: git runs instead (here against a URL git cannot reach either, so the error is git's)
    const lines: string[] = []
    await assert.rejects(
      fetchGitRepository({kind: 'git', url: 'https://gitlab.com/acme/templates'}, {
        env: {...process.env, FAAS_DEBUG: '1', GIT_ALLOW_PROTOCOL: 'file'},
        log: (l) => lines.push(l),
        degitFetch: async () => {
          throw new Error('offline')
        },
      }),
      /error invoking git clone/,
    )
    assert.ok(lines.some((l) => l.includes('degit failed (offline); falling back to git clone')), lines.join('\n'))
    assert.ok(lines.some((l) => l.startsWith('git clone https://gitlab.com/acme/templates ')), lines.join('\n'))
  })

  it('never uses degit for other hosts, ssh, file:// or sha pins', async () => {
    const repo = makeTemplateRepo({alpha: templateFiles('alpha')})
    let called = 0
    const degitFetch = async () => {
      called++
      return ''
    }
    const c = await fetchGitRepository({kind: 'git', url: repo.url}, {log: quiet, degitFetch})
    await c.cleanup()
    await assert.rejects(fetchGitRepository({kind: 'git', url: 'https://github.com/acme/t', ref: 'sha-1234567', sha: '1234567'}, {log: quiet, degitFetch, env: {...process.env, GIT_ALLOW_PROTOCOL: 'file'}}))
    assert.equal(called, 0)
  })
})
