import assert from 'node:assert/strict'
import {existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {cleanEnv, runCli, tempDir} from '../helpers/cli.js'
import {makeTemplateRepo, serveFiles, templateFiles} from '../templates/helpers.js'

// no network: proxies that go nowhere (loopback test servers are exempt)
const offline = (extra: NodeJS.ProcessEnv = {}) => cleanEnv({HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1', ...extra})

describe('faas template pull', () => {
  it('pulls a file:// repository and prints what it wrote', async () => {
    const repo = makeTemplateRepo({alpha: templateFiles('alpha'), beta: templateFiles('beta')})
    const cwd = tempDir()
    const r = await runCli(['template', 'pull', repo.url], {cwd, env: offline()})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'Wrote 2 template(s) : [alpha beta]\n')
    assert.match(r.stderr, new RegExp(`Fetching templates from ${repo.url}`))
    assert.deepEqual(readdirSync(path.join(cwd, 'template')).sort(), ['alpha', 'beta'])
  })

  it('uses OPENFAAS_TEMPLATE_URL when no repository is given', async () => {
    const repo = makeTemplateRepo({gamma: templateFiles('gamma')})
    const cwd = tempDir()
    const r = await runCli(['template', 'pull'], {cwd, env: offline({OPENFAAS_TEMPLATE_URL: repo.dir})})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'Wrote 1 template(s) : [gamma]\n')
  })

  it('--overwrite=false keeps existing templates, writes the others, and exits 1', async () => {
    const repo = makeTemplateRepo({alpha: templateFiles('alpha'), beta: templateFiles('beta')})
    const cwd = tempDir()
    await runCli(['template', 'pull', repo.url], {cwd, env: offline()})
    writeFileSync(path.join(cwd, 'template', 'alpha', 'Dockerfile'), 'MINE\n')
    const {rmSync} = await import('node:fs')
    rmSync(path.join(cwd, 'template', 'beta'), {recursive: true})
    const r = await runCli(['template', 'pull', repo.url, '--overwrite=false'], {cwd, env: offline()})
    assert.equal(r.code, 1)
    assert.equal(r.stdout, 'Wrote 1 template(s) : [beta]\n')
    assert.match(r.stderr, /Error while fetching templates: unable to overwrite the following: \[alpha\]/)
    assert.equal(readFileSync(path.join(cwd, 'template', 'alpha', 'Dockerfile'), 'utf8'), 'MINE\n')
  })

  it('rejects what is not a repository', async () => {
    const r = await runCli(['template', 'pull', 'not-a-repo'], {cwd: tempDir(), env: offline()})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /The repository URL must be a valid git repo uri/)
  })

  it('template pull stack pulls configuration.templates, reading the file without env substitution', async () => {
    const repo = makeTemplateRepo({node20: templateFiles('node20'), other: templateFiles('other')})
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'stack.yaml'), `version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n  hello:\n    lang: node20\n    handler: ./hello\n    image: acme/hello:\${TAG:-latest}\nconfiguration:\n  templates:\n    - name: node20\n      source: ${repo.url}\n`)
    const r = await runCli(['template', 'pull', 'stack'], {cwd, env: offline()})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `Pulling template: node20 from ${repo.url}\nWrote 1 template(s) : [node20]\n`)
    assert.deepEqual(readdirSync(path.join(cwd, 'template')), ['node20'])
  })

  it('template pull stack without configuration.templates fails', async () => {
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'stack.yaml'), 'version: 1.0\nprovider:\n  name: openfaas\nfunctions: {}\n')
    const r = await runCli(['template', 'pull', 'stack'], {cwd, env: offline()})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /Can't read configuration: no template repos currently configured/)
  })
})

describe('faas template store', () => {
  it('lists the shipped index offline; every column sits under its header', async () => {
    const r = await runCli(['template', 'store', 'list'], {cwd: tempDir(), env: offline()})
    assert.equal(r.code, 0, r.stderr)
    const lines = r.stdout.split('\n')
    assert.equal(lines[0], '')
    assert.match(lines[1], /^NAME +RECOMMENDED +DESCRIPTION +SOURCE$/)
    const node20 = lines.find((l) => l.startsWith('node20 '))!
    assert.equal(node20.slice(lines[1].indexOf('SOURCE')).trim(), 'faas')
    assert.ok(node20.slice(lines[1].indexOf('DESCRIPTION')).startsWith('Node.js 20'))
    // recommended entries first
    const marks = lines.slice(2).filter(Boolean).map((l) => l.includes('[x]'))
    assert.deepEqual(marks, [...marks].sort((a, b) => Number(b) - Number(a)))
  })

  it('filters, prints JSON with -j, and nothing at all for a platform with no templates', async () => {
    const json = await runCli(['template', 'store', 'ls', '-r', '-j'], {cwd: tempDir(), env: offline()})
    assert.equal(json.code, 0, json.stderr)
    const list = JSON.parse(json.stdout) as Array<{template: string; recommended?: boolean}>
    assert.ok(list.length > 0 && list.every((t) => t.recommended === true))
    const none = await runCli(['template', 'store', 'list', '--platform', 'arm64'], {cwd: tempDir(), env: offline()})
    assert.equal(none.code, 0)
    assert.equal(none.stdout, '')
  })

  it('reads a remote index from --url (over OPENFAAS_TEMPLATE_STORE_URL)', async () => {
    const entries = [{template: 'remote-only', platform: 'x86_64', language: 'Go', source: 'acme', description: 'from the server', repo: 'https://example.com/r', official: 'true', recommended: true}]
    const server = await serveFiles({'/t.json': {body: JSON.stringify(entries)}, '/other.json': {body: '[]'}})
    try {
      const r = await runCli(['template', 'store', 'list', '--url', `${server.url}/t.json`, '-v'], {cwd: tempDir(), env: offline({OPENFAAS_TEMPLATE_STORE_URL: `${server.url}/other.json`})})
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /^\nNAME +RECOMMENDED +SOURCE +DESCRIPTION +LANGUAGE +PLATFORM\nremote-only +\[x\] +acme +from the server +Go +x86_64\n\n$/)
      assert.deepEqual(server.requests, ['GET /t.json'])
    } finally {
      await server.close()
    }
  })

  it('describes a template, as text and as JSON', async () => {
    const r = await runCli(['template', 'store', 'describe', 'golang-middleware'], {cwd: tempDir(), env: offline()})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /Name: +golang-middleware\n/)
    assert.match(r.stdout, /Repository: +https:\/\/github.com\/openfaas\/golang-http-template\n/)
    const j = await runCli(['template', 'store', 'describe', 'node20', '-j'], {cwd: tempDir(), env: offline()})
    assert.equal(JSON.parse(j.stdout).repo, 'faas:templates-store')
    const missing = await runCli(['template', 'store', 'describe', 'cobol'], {cwd: tempDir(), env: offline()})
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /cobol/)
  })

  it('pulls a shipped template offline, and a store entry from its repository', async () => {
    const cwd = tempDir()
    const shipped = await runCli(['template', 'store', 'pull', 'golang-http'], {cwd, env: offline()})
    assert.equal(shipped.code, 0, shipped.stderr)
    assert.equal(shipped.stdout, 'Wrote 1 template(s) : [golang-http]\n')
    assert.ok(existsSync(path.join(cwd, 'template', 'golang-http', 'main.go')))

    const repo = makeTemplateRepo({cobol: templateFiles('cobol'), fortran: templateFiles('fortran')})
    const server = await serveFiles({'/t.json': {body: JSON.stringify([{template: 'cobol', platform: 'x86_64', language: 'COBOL', source: 'acme', description: 'd', repo: repo.url, official: 'false'}])}})
    try {
      const r = await runCli(['template', 'store', 'pull', 'cobol', '--url', `${server.url}/t.json`], {cwd, env: offline()})
      assert.equal(r.code, 0, r.stderr)
      // §10 quirk fixed: only the template asked for, not every template of its repository
      assert.equal(r.stdout, 'Wrote 1 template(s) : [cobol]\n')
      assert.deepEqual(readdirSync(path.join(cwd, 'template')).sort(), ['cobol', 'golang-http'])
      const missing = await runCli(['template', 'store', 'pull', 'pascal', '--url', `${server.url}/t.json`], {cwd, env: offline()})
      assert.equal(missing.code, 1)
      assert.match(missing.stderr, /Template with name: `pascal` does not exist in the repo/)
    } finally {
      await server.close()
    }
  })
})
