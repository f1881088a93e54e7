import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {renderTemplateDescription, renderTemplateTable} from '../../src/templates/render.js'
import {type TemplateInfo, filterTemplates, findTemplate, loadTemplateStore, sortTemplates, templateStoreUrl} from '../../src/templates/store.js'
import {SHIPPED_REPO, isShippedTemplate} from '../../src/templates/shipped.js'
import {serveFiles, tmp, writeFiles} from './helpers.js'

const entry = (template: string, extra: Partial<TemplateInfo> = {}): TemplateInfo => ({
  template, platform: 'x86_64', language: 'Go', source: 'acme', description: `${template} template`, repo: 'https://example.com/r', official: 'false', ...extra,
})

describe('template store', () => {
  it('sorts recommended first, then by the official string, then by name ignoring case', () => {
    const sorted = sortTemplates([
      entry('zeta', {official: 'true'}),
      entry('Beta'),
      entry('alpha', {official: 'true', recommended: true}),
      entry('gamma', {recommended: true}),
      entry('alpha2'),
    ])
    assert.deepEqual(sorted.map((t) => t.template), ['gamma', 'alpha', 'alpha2', 'Beta', 'zeta'])
  })

  it('filters by platform (any case), recommended and official', () => {
    const all = [entry('a', {platform: 'x86_64', recommended: true}), entry('b', {platform: 'armhf', official: 'true'}), entry('c', {platform: 'X86_64', official: 'true'})]
    assert.deepEqual(filterTemplates(all, {platform: 'x86_64'}).map((t) => t.template), ['a', 'c'])
    assert.deepEqual(filterTemplates(all, {platform: 'arm64'}), [])
    assert.deepEqual(filterTemplates(all, {platform: '', recommended: true}).map((t) => t.template), ['a'])
    assert.deepEqual(filterTemplates(all, {platform: '', official: true}).map((t) => t.template), ['b', 'c'])
  })

  it('finds an entry by name or source/name', () => {
    const all = [entry('node20', {source: 'openfaas'}), entry('node20', {source: 'acme'})]
    assert.equal(findTemplate(all, 'node20')?.source, 'openfaas')
    assert.equal(findTemplate(all, 'acme/node20')?.source, 'acme')
    assert.equal(findTemplate(all, 'cobol'), undefined)
  })

  it('uses the shipped index by default, which lists every shipped template', async () => {
    assert.equal(templateStoreUrl('', {}), '')
    assert.equal(templateStoreUrl('', {OPENFAAS_TEMPLATE_STORE_URL: 'http://x/t.json'}), 'http://x/t.json')
    assert.equal(templateStoreUrl('http://flag/t.json', {OPENFAAS_TEMPLATE_STORE_URL: 'http://x/t.json'}), 'http://flag/t.json')
    const store = await loadTemplateStore('')
    assert.equal(store.shipped, true)
    const shipped = store.templates.filter((t) => t.repo === SHIPPED_REPO).map((t) => t.template).sort()
    assert.deepEqual(shipped, ['bash', 'dockerfile', 'golang-http', 'node20', 'python3-http'])
    for (const name of shipped) assert.ok(isShippedTemplate(name), name)
    // and well-known remote repositories
    assert.ok(store.templates.some((t) => t.template === 'golang-middleware' && t.repo === 'https://github.com/openfaas/golang-http-template'))
    assert.equal(new Set(store.templates.map((t) => t.template)).size, store.templates.length, 'one entry per template name')
  })

  it('fetches a remote index over HTTP, and reports a non-200 answer', async () => {
    const server = await serveFiles({
      '/templates.json': {body: JSON.stringify([entry('remote-one', {recommended: true})])},
      '/broken.json': {status: 500, body: 'oops'},
      '/notjson.json': {body: '<html>'},
    })
    try {
      const store = await loadTemplateStore(`${server.url}/templates.json`)
      assert.equal(store.shipped, false)
      assert.deepEqual(store.templates.map((t) => t.template), ['remote-one'])
      await assert.rejects(loadTemplateStore(`${server.url}/broken.json`), /Error while getting templates info: unexpected status code wanted: 200 got: 500/)
      await assert.rejects(loadTemplateStore(`${server.url}/notjson.json`), /not valid JSON/)
      assert.deepEqual(server.requests, ['GET /templates.json', 'GET /broken.json', 'GET /notjson.json'])
    } finally {
      await server.close()
    }
  })

  it('reports an unreachable store', async () => {
    const server = await serveFiles({})
    const url = `${server.url}/templates.json`
    await server.close()
    await assert.rejects(loadTemplateStore(url), /Error while getting templates info: error while requesting template list/)
  })

  it('reads an index from a local file or file:// URL', async () => {
    const dir = tmp()
    writeFiles(dir, {'t.json': JSON.stringify([entry('local-one')])})
    assert.equal((await loadTemplateStore(`${dir}/t.json`)).templates[0].template, 'local-one')
    assert.equal((await loadTemplateStore(`file://${dir}/t.json`)).templates[0].template, 'local-one')
  })
})

describe('template store rendering', () => {
  it('§10 quirk fixed: the list header order matches the row order (DESCRIPTION before SOURCE in both)', () => {
    const text = renderTemplateTable([entry('golang-middleware', {source: 'openfaas', description: 'Go middleware', recommended: true})], false)
    const lines = text.split('\n')
    assert.equal(lines[0], '')
    const header = lines[1].split(/\s{1,}/).filter(Boolean)
    assert.deepEqual(header, ['NAME', 'RECOMMENDED', 'DESCRIPTION', 'SOURCE'])
    const row = lines[2]
    // the cells sit under their headers: description under DESCRIPTION, source under SOURCE
    assert.equal(row.indexOf('Go middleware'), lines[1].indexOf('DESCRIPTION'))
    assert.equal(row.indexOf('openfaas'), lines[1].indexOf('SOURCE'))
    assert.ok(row.startsWith('golang-middleware'))
    assert.ok(row.includes('[x]'))
    assert.ok(text.endsWith('\n\n'))
  })

  it('verbose rows follow the verbose header too', () => {
    const text = renderTemplateTable([entry('node20', {source: 'faas', description: 'Node', language: 'NodeJS', platform: 'x86_64'})], true)
    const [, header, row] = text.split('\n')
    for (const [column, value] of [['SOURCE', 'faas'], ['DESCRIPTION', 'Node'], ['LANGUAGE', 'NodeJS'], ['PLATFORM', 'x86_64']]) {
      assert.ok(row.slice(header.indexOf(column)).startsWith(value), `${value} under ${column}`)
    }
  })

  it('prints nothing for no templates', () => {
    assert.equal(renderTemplateTable([], false), '')
  })

  it('describes one template', () => {
    const text = renderTemplateDescription(entry('golang-http', {official: 'true', recommended: false, repo: 'https://github.com/openfaas/golang-http-template'}))
    assert.match(text, /^\nName: +golang-http\n/)
    assert.match(text, /\nRepository: +https:\/\/github.com\/openfaas\/golang-http-template\n/)
    assert.match(text, /\nOfficial: +\[x\]\nRecommended: +\[ \]\n\n$/)
  })
})
