import assert from 'node:assert/strict'
import {readFileSync, readdirSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {parseTemplateSpec, readTemplateSpec, buildShippedIndex} from '../../src/templates/spec.js'
import {shippedStoreDir, shippedTemplatesDir} from '../../src/templates/paths.js'
import {tmp, writeFiles} from './helpers.js'

describe('template.yml', () => {
  it('reads every field faas-cli reads, with defaults', async () => {
    const spec = await parseTemplateSpec([
      'language: opts-demo',
      'fprocess: ./handler.sh',
      'handler_folder: handler',
      'mount_ssh: true',
      'build_options:',
      '  - name: dev',
      '    packages: [make, gcc]',
      '  - name: tools',
      '    packages:',
      '      - curl',
      'welcome_message: |',
      '  Hello.',
      '  Second line.',
      'unknown_key: ignored',
    ].join('\n'))
    assert.deepEqual(spec, {
      language: 'opts-demo',
      fprocess: './handler.sh',
      handler_folder: 'handler',
      mount_ssh: true,
      build_options: [{name: 'dev', packages: ['make', 'gcc']}, {name: 'tools', packages: ['curl']}],
      welcome_message: 'Hello.\nSecond line.\n',
    })
    const minimal = await parseTemplateSpec('language: x\n')
    assert.equal(minimal.handler_folder, 'function')
    assert.equal(minimal.mount_ssh, false)
    assert.deepEqual(minimal.build_options, [])
    assert.equal(minimal.host, undefined)
  })

  it('coerces scalars into string fields like yaml.v3', async () => {
    const spec = await parseTemplateSpec('language: 1\nfprocess: true\n')
    assert.equal(spec.language, '1')
    assert.equal(spec.fprocess, 'true')
  })

  it('reads the host section', async () => {
    const spec = await parseTemplateSpec([
      'language: go',
      'host:',
      '  requires: [go]',
      '  build:',
      '    - go build -o handler .',
      '  run: ./handler',
      '  mode: http',
      '  port_env: http_port',
      '  environment:',
      '    exec_timeout: 10s',
      '    max_inflight: 5',
    ].join('\n'))
    assert.deepEqual(spec.host, {
      requires: ['go'],
      build: ['go build -o handler .'],
      run: './handler',
      mode: 'http',
      port_env: 'http_port',
      environment: {exec_timeout: '10s', max_inflight: '5'},
    })
  })

  it('rejects a host section the local runtime could not use', async () => {
    await assert.rejects(parseTemplateSpec('language: x\nhost:\n  run: x\n  mode: fork\n'), /host.mode must be one of/)
    await assert.rejects(parseTemplateSpec('language: x\nhost:\n  mode: classic\n'), /host.run is required/)
    await assert.rejects(parseTemplateSpec('language: x\nhost:\n  run: x\n  mode: http\n'), /host.port_env is required/)
    await assert.rejects(parseTemplateSpec('language: x\nhost:\n  run: x\n  mode: classic\n  build: {a: b}\n'), /host.build must be a list/)
  })

  it('rejects a handler_folder that leaves the build context', async () => {
    for (const bad of ['../x', '/etc', 'a/../../b', '..']) {
      await assert.rejects(parseTemplateSpec(`language: x\nhandler_folder: ${bad}\n`), /handler_folder/, bad)
    }
    assert.equal((await parseTemplateSpec('language: x\nhandler_folder: src/fn\n')).handler_folder, 'src/fn')
  })

  it('says which template is missing when template.yml is absent', async () => {
    const dir = tmp()
    await assert.rejects(readTemplateSpec(path.join(dir, 'template', 'nope')), /template directory may be missing or invalid: .*nope\/template.yml does not exist/)
    writeFiles(dir, {'t/template.yml': 'language: [unclosed\n'})
    await assert.rejects(readTemplateSpec(path.join(dir, 't')), /cannot parse .*template.yml/)
  })

  it('every shipped template has a valid template.yml with a host section', async () => {
    const names = readdirSync(shippedTemplatesDir()).sort()
    assert.deepEqual(names, ['bash', 'dockerfile', 'golang-http', 'node20', 'python3-http'])
    for (const name of names) {
      const spec = await parseTemplateSpec(readFileSync(path.join(shippedTemplatesDir(), name, 'template.yml'), 'utf8'), name)
      assert.equal(spec.language, name)
      assert.ok(spec.welcome_message, `${name} has a welcome message`)
      assert.ok(spec.host, `${name} has a host section`)
      assert.ok(spec.host.requires.length > 0, `${name} says what it needs on PATH`)
    }
  })

  it('templates-store/shipped.json is up to date with the shipped templates', async () => {
    // after changing a shipped template, regenerate it (from the repository root, after a build):
    //   node -e "import('./dist/src/templates/spec.js').then((m) => m.writeShippedIndex())"
    const onDisk = JSON.parse(readFileSync(path.join(shippedStoreDir(), 'shipped.json'), 'utf8'))
    assert.deepEqual(onDisk, await buildShippedIndex())
  })

  it('reads an unchanged shipped template.yml without the YAML parser, with the same result', async () => {
    const dir = path.join(shippedTemplatesDir(), 'node20')
    const viaIndex = await readTemplateSpec(dir)
    const parsed = await parseTemplateSpec(readFileSync(path.join(dir, 'template.yml'), 'utf8'))
    assert.deepEqual(viaIndex, parsed)
    // a copy is returned: changing it does not change the next read
    viaIndex.build_options.length = 0
    assert.notDeepEqual((await readTemplateSpec(dir)).build_options, [])
  })
})
