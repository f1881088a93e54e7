/**
 * chart export against a fake `helm` on PATH (test/chart/fixtures/fake-helm/helm: records its argv,
 * prints fixtures/helm-template.yaml). The expected files in fixtures/faas-cli-export/ and the
 * expected stdout were recorded from faas-cli's own `chart export` on the same helm output, so the
 * split, the file names and every byte of the re-encoded YAML are checked against faas-cli.
 */
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {cleanEnv, repoRoot, runCli, tempDir} from '../helpers/cli.js'

const fixtures = path.join(repoRoot, 'test', 'chart', 'fixtures')
const fakeHelmDir = path.join(fixtures, 'fake-helm')

function project(): {cwd: string; log: string; env: NodeJS.ProcessEnv} {
  const cwd = tempDir('faas-chart-')
  mkdirSync(path.join(cwd, 'chart', 'openfaas'), {recursive: true})
  const log = path.join(tempDir('faas-helm-log-'), 'argv')
  const env = cleanEnv({PATH: `${fakeHelmDir}${path.delimiter}${process.env.PATH}`, FAKE_HELM_LOG: log, FAKE_HELM_OUTPUT: path.join(fixtures, 'helm-template.yaml')})
  return {cwd, log, env}
}

function tree(dir: string): string[] {
  const out: string[] = []
  for (const kind of readdirSync(dir).sort()) for (const file of readdirSync(path.join(dir, kind)).sort()) out.push(`${kind}/${file}`)
  return out
}

function argv(log: string): string[] {
  return readFileSync(log, 'utf8').split('\n').slice(0, -1)
}

describe('chart export', () => {
  it('runs faas-cli\'s helm argv and writes the same files, byte for byte, with the same lines', async () => {
    const {cwd, log, env} = project()
    const r = await runCli(['chart', 'export'], {cwd, env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(argv(log), ['template', 'openfaas', 'chart/openfaas', '--include-crds'])
    assert.equal(r.stderr, 'Running: helm template openfaas chart/openfaas --include-crds\n')
    const expectedStdout = readFileSync(path.join(fixtures, 'faas-cli-export.stdout'), 'utf8').split('\n').slice(1).join('\n')
    assert.equal(r.stdout, expectedStdout.replace(/Exported (\d+) resources to .*/, `Exported $1 resources to ${path.join(cwd, 'yaml')}`))
    const expected = path.join(fixtures, 'faas-cli-export')
    assert.deepEqual(tree(path.join(cwd, 'yaml')), tree(expected))
    for (const rel of tree(expected)) {
      assert.equal(readFileSync(path.join(cwd, 'yaml', rel), 'utf8'), readFileSync(path.join(expected, rel), 'utf8'), rel)
      const umask = process.umask()
      assert.equal(statSync(path.join(cwd, 'yaml', rel)).mode & 0o777, 0o644 & ~umask, `${rel} mode`)
      assert.equal(statSync(path.join(cwd, 'yaml', path.dirname(rel))).mode & 0o777, 0o755 & ~umask, `${rel} folder mode`)
    }
  })

  it('passes the chart name, --release, --crds=false, --values, --set and -n in faas-cli\'s order', async () => {
    const {cwd, log, env} = project()
    mkdirSync(path.join(cwd, 'chart', 'kafka-connector'))
    const r = await runCli(['chart', 'export', 'kafka-connector', '--crds=false', '--release', 'kc', '--set', 'a=b', '--values', 'v1.yaml', '-n', 'ns', '--set', 'c=d', '--values', 'v2.yaml', '-o', 'out/rendered'], {cwd, env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(argv(log), ['template', 'kc', 'chart/kafka-connector', '-f', 'v1.yaml', '-f', 'v2.yaml', '--set', 'a=b', '--set', 'c=d', '--namespace', 'ns'])
    assert.ok(existsSync(path.join(cwd, 'out/rendered/deployment/gateway.yaml')))
    assert.match(r.stdout, new RegExp(`Exported 6 resources to ${path.join(cwd, 'out', 'rendered')}\n$`))
  })

  it('replaces an earlier export as a whole (stale files go), and leaves nothing else behind', async () => {
    const {cwd, env} = project()
    mkdirSync(path.join(cwd, 'yaml', 'secret'), {recursive: true})
    writeFileSync(path.join(cwd, 'yaml', 'secret', 'stale.yaml'), 'kind: Secret\n')
    mkdirSync(path.join(cwd, 'yaml', 'emptykind'))
    const r = await runCli(['chart', 'export'], {cwd, env})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(existsSync(path.join(cwd, 'yaml', 'secret')), false)
    assert.deepEqual(readdirSync(cwd).sort(), ['chart', 'yaml'])
  })

  it('refuses to wipe what it did not write (faas-cli deletes -o whatever it is)', async () => {
    const {cwd, env} = project()
    writeFileSync(path.join(cwd, 'precious.txt'), 'keep')
    const cases: Array<[string, RegExp]> = [
      ['.', /refusing to replace the output folder .*: it is the current folder or one of its parents/],
      ['..', /it is the current folder or one of its parents/],
      ['/', /it is the root folder/],
      ['chart/..', /it is the current folder/],
    ]
    mkdirSync(path.join(cwd, 'notes'))
    writeFileSync(path.join(cwd, 'notes', 'todo.txt'), 'x')
    mkdirSync(path.join(cwd, 'nested', 'kind', 'sub'), {recursive: true})
    symlinkSync(cwd, path.join(cwd, 'link'))
    cases.push(['notes', /it holds todo\.txt, which chart export did not write/])
    cases.push(['nested', /it holds kind\/sub, which chart export did not write/])
    cases.push(['link', /it is a symbolic link/])
    cases.push(['precious.txt', /it is not a folder/])
    for (const [output, message] of cases) {
      const r = await runCli(['chart', 'export', '-o', output], {cwd, env})
      assert.equal(r.code, 1, output)
      assert.match(r.stderr, message, output)
      assert.match(r.stderr, /Hint: Give --output a folder of its own/, output)
    }
    const home = await runCli(['chart', 'export', '-o', env.HOME!], {cwd, env})
    assert.match(home.stderr, /it is the home folder/)
    assert.equal(readFileSync(path.join(cwd, 'precious.txt'), 'utf8'), 'keep')
    assert.equal(readFileSync(path.join(cwd, 'notes', 'todo.txt'), 'utf8'), 'x')
    assert.ok(existsSync(path.join(cwd, 'chart', 'openfaas')))
  })

  it('keeps the previous export when helm fails, and says what helm said', async () => {
    const {cwd, env} = project()
    assert.equal((await runCli(['chart', 'export'], {cwd, env})).code, 0)
    const before = tree(path.join(cwd, 'yaml'))
    const r = await runCli(['chart', 'export'], {cwd, env: {...env, FAKE_HELM_EXIT: '3'}})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /Error: helm template failed: exit status 3\nHint: helm said: Error: fake failure\n/)
    assert.deepEqual(tree(path.join(cwd, 'yaml')), before)
    assert.deepEqual(readdirSync(cwd).sort(), ['chart', 'yaml'])
  })

  it('fails clearly: no helm, no chart folder, no resources, bad YAML, a name that is not a file name', async () => {
    const {cwd, env} = project()
    const noHelm = await runCli(['chart', 'export'], {cwd, env: {...env, PATH: '/nonexistent'}})
    assert.equal(noHelm.code, 1)
    assert.match(noHelm.stderr, /helm is required but was not found in PATH/)
    const noChart = await runCli(['chart', 'export', 'missing'], {cwd, env})
    assert.match(noChart.stderr, /chart directory not found: chart\/missing/)
    const outputs: Array<[string, RegExp]> = [
      ['# only comments\n---\nkind: NoMetadata\n---\nmetadata: {name: x}\n', /no resources found in helm output/],
      ['a: [unclosed\n', /failed to parse YAML output: /],
      ['- a list\n', /failed to parse YAML output: document 1 is not a mapping/],
      ['kind: ConfigMap\nmetadata:\n  name: ../../escape\n', /the ConfigMap "\.\.\/\.\.\/escape" cannot be written: its name/],
      ['kind: ..\nmetadata:\n  name: x\n', /its kind "\.\." is not a file name/],
    ]
    for (const [text, message] of outputs) {
      const file = path.join(tempDir(), 'out.yaml')
      writeFileSync(file, text)
      const r = await runCli(['chart', 'export'], {cwd, env: {...env, FAKE_HELM_OUTPUT: file}})
      assert.equal(r.code, 1, text)
      assert.match(r.stderr, message, text)
      assert.equal(existsSync(path.join(cwd, 'yaml')), false, text)
    }
    assert.deepEqual(readdirSync(path.dirname(path.join(cwd, 'yaml'))).sort(), ['chart'])
  })
})
