import assert from 'node:assert/strict'
import {existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import type {Stack} from '../../src/stack/types.js'

import {FaasError} from '../../src/errors.js'
import {shippedTemplatesDir} from '../../src/templates/paths.js'
import {ensureTemplates, resolveTemplate, stackTemplateSource} from '../../src/templates/resolve.js'
import {treeDigest} from '../../src/templates/meta.js'
import {makeTemplateRepo, serveFiles, templateFiles, tmp, writeFiles} from './helpers.js'

const quiet = () => {}

function stack(functions: Array<{name: string; lang?: string; skip_build?: boolean}>, templates?: Array<{name: string; source?: string}>): Stack {
  return {provider: {name: 'openfaas'}, functions, configuration: templates ? {templates} : undefined, source: 'stack.yaml'}
}

async function storeServing(entries: unknown[]) {
  return serveFiles({'/templates.json': {body: JSON.stringify(entries)}})
}

describe('template resolution', () => {
  it('uses ./template/<lang> first, without any network', async () => {
    const cwd = tmp()
    writeFiles(path.join(cwd, 'template', 'node20'), {'template.yml': 'language: node20\nwelcome_message: mine\n'})
    const t = await resolveTemplate('node20', {cwd, env: {OPENFAAS_TEMPLATE_STORE_URL: 'http://127.0.0.1:9/never.json'}, log: quiet})
    assert.equal(t.origin, 'local')
    assert.equal(t.spec.welcome_message, 'mine')
  })

  it('installs a shipped template into ./template/<lang> with a meta.json, offline', async () => {
    const cwd = tmp()
    const t = await resolveTemplate('python3-http', {cwd, env: {OPENFAAS_TEMPLATE_STORE_URL: 'http://127.0.0.1:9/never.json'}, log: quiet})
    assert.equal(t.origin, 'shipped')
    assert.equal(t.dir, path.join(cwd, 'template', 'python3-http'))
    const shipped = path.join(shippedTemplatesDir(), 'python3-http')
    for (const rel of ['Dockerfile', 'index.py', 'template.yml', 'function/handler.py', 'function/test_handler.py']) {
      assert.equal(readFileSync(path.join(t.dir, rel), 'utf8'), readFileSync(path.join(shipped, rel), 'utf8'), rel)
    }
    const meta = JSON.parse(readFileSync(path.join(t.dir, 'meta.json'), 'utf8'))
    assert.equal(meta.repository, 'faas:templates-store')
    assert.match(meta.ref_name, /^v\d+\.\d+\.\d+/)
    assert.equal(meta.sha, await treeDigest(shipped))
    assert.equal(t.spec.host?.run, 'python3 index.py')
  })

  it('looks the language up in the store and pulls only that template', async () => {
    const repo = makeTemplateRepo({cobol: templateFiles('cobol'), fortran: templateFiles('fortran')})
    const server = await storeServing([{template: 'cobol', platform: 'x86_64', language: 'COBOL', source: 'acme', description: 'd', repo: repo.url, official: 'false'}])
    try {
      const cwd = tmp()
      const lines: string[] = []
      const t = await resolveTemplate('cobol', {cwd, env: {...process.env, OPENFAAS_TEMPLATE_STORE_URL: `${server.url}/templates.json`}, log: (l) => lines.push(l)})
      assert.equal(t.origin, 'store')
      assert.deepEqual(readdirSync(path.join(cwd, 'template')), ['cobol'])
      assert.deepEqual(lines, ['Pulling template: cobol from store', `Fetching templates from ${repo.url}`])
      await assert.rejects(
        resolveTemplate('pascal', {cwd, env: {...process.env, OPENFAAS_TEMPLATE_STORE_URL: `${server.url}/templates.json`}, log: quiet}),
        (err: unknown) => err instanceof FaasError && err.message === 'Template: "pascal" was not found in the templates folder or in the store',
      )
    } finally {
      await server.close()
    }
  })

  it('§10 quirk fixed: new --lang tmpl@ref pulls the template at that ref as ./template/tmpl@ref', async () => {
    const repo = makeTemplateRepo({cobol: templateFiles('cobol')})
    const {git} = await import('./helpers.js')
    git(['tag', 'v2'], repo.dir)
    repo.commit({'template/cobol/function/handler.txt': 'after v2\n'})
    const server = await storeServing([{template: 'cobol', platform: 'x86_64', language: 'COBOL', source: 'acme', description: 'd', repo: repo.url, official: 'false'}])
    try {
      const cwd = tmp()
      const t = await resolveTemplate('cobol@v2', {cwd, storeUrl: `${server.url}/templates.json`, log: quiet})
      assert.equal(t.dir, path.join(cwd, 'template', 'cobol@v2'))
      assert.equal(readFileSync(path.join(t.dir, 'function', 'handler.txt'), 'utf8'), 'handler of cobol\n')
      assert.equal(JSON.parse(readFileSync(path.join(t.dir, 'meta.json'), 'utf8')).ref_name, 'v2')
    } finally {
      await server.close()
    }
  })

  it("prefers the stack's configuration.templates source, unless --disable-stack-pull", async () => {
    const repo = makeTemplateRepo({node20: templateFiles('node20', {'template.yml': 'language: node20\nwelcome_message: from the stack repo\n'})})
    const cwd = tmp()
    const s = stack([{name: 'fn', lang: 'node20'}], [{name: 'node20', source: repo.url}])
    const lines: string[] = []
    const t = await resolveTemplate('node20', {cwd, stack: s, log: (l) => lines.push(l)})
    assert.equal(t.origin, 'stack')
    assert.equal(t.spec.welcome_message, 'from the stack repo')
    assert.equal(lines[0], `Pulling template: node20 from ${repo.url}`)

    const cwd2 = tmp()
    const shipped = await resolveTemplate('node20', {cwd: cwd2, stack: s, disableStackPull: true, log: quiet})
    assert.equal(shipped.origin, 'shipped')
  })

  it('maps a pinned language onto a stack entry for the bare name', () => {
    const s = stack([], [{name: 'node20', source: 'https://github.com/acme/t'}, {name: 'go@v1', source: 'https://github.com/acme/go#v1'}])
    assert.equal(stackTemplateSource(s, 'node20'), 'https://github.com/acme/t')
    assert.equal(stackTemplateSource(s, 'node20@dev'), 'https://github.com/acme/t#dev')
    assert.equal(stackTemplateSource(s, 'go@v1'), 'https://github.com/acme/go#v1')
    assert.equal(stackTemplateSource(s, 'python3'), undefined)
  })

  it('refuses a language that would escape ./template', async () => {
    await assert.rejects(resolveTemplate('../../etc', {cwd: tmp(), log: quiet}), /invalid language/)
  })

  it('without pulls, reports a missing template the way build does', async () => {
    await assert.rejects(resolveTemplate('node20', {cwd: tmp(), allowPull: false}), /Language template: node20 not supported, build a custom Dockerfile, error: template node20 not found/)
  })
})

describe('ensureTemplates (build auto-pull)', () => {
  it('fetches each missing language once, skips present ones, dockerfile and skip_build functions', async () => {
    const repo = makeTemplateRepo({cobol: templateFiles('cobol')})
    const cwd = tmp()
    mkdirSync(path.join(cwd, 'template', 'golang-http'), {recursive: true})
    writeFileSync(path.join(cwd, 'template', 'golang-http', 'template.yml'), 'language: golang-http\n')
    const s = stack([
      {name: 'a', lang: 'node20'},
      {name: 'b', lang: 'node20'},
      {name: 'c', lang: 'golang-http'},
      {name: 'd', lang: 'Dockerfile'},
      {name: 'e', lang: 'cobol'},
      {name: 'f', lang: 'ruby', skip_build: true},
      {name: 'g'},
    ], [{name: 'cobol', source: repo.url}])
    const lines: string[] = []
    const result = await ensureTemplates(s, {cwd, log: (l) => lines.push(l)})
    assert.deepEqual(result.pulled, ['node20', 'cobol'])
    assert.deepEqual(readdirSync(path.join(cwd, 'template')).sort(), ['cobol', 'golang-http', 'node20'])
    assert.equal(lines.at(-1), 'Pulled templates: [node20 cobol]')
    assert.equal(existsSync(path.join(cwd, 'template', 'dockerfile')), false)

    const again = await ensureTemplates(s, {cwd, log: quiet})
    assert.deepEqual(again.pulled, [])
  })
})
