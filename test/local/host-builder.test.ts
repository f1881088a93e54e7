import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {after, test} from 'node:test'
import {buildOnHost, hostToolchainAvailable, parseDockerfileFinalStage, readHostSpec} from '../../src/local/host-builder.js'
import {lookupImage, normaliseImageRef, readImageIndex, recordImage} from '../../src/local/image-index.js'
import type {HostSpec} from '../../src/templates/spec.js'
import {tempDir, writeFile} from './helpers.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const root = tempDir('faas-host-build-test-')
after(() => fs.rmSync(root, {recursive: true, force: true}))

function context(name: string, files: Record<string, string>): string {
  const dir = path.join(root, 'build', name)
  fs.rmSync(dir, {recursive: true, force: true})
  for (const [f, content] of Object.entries(files)) writeFile(dir, f, content)
  return dir
}

const spec = (over: Partial<HostSpec> = {}): HostSpec => ({requires: ['sh'], build: [], run: 'sh run.sh', mode: 'classic', environment: {}, ...over})

test('image references are normalised', () => {
  assert.equal(normaliseImageRef('me/hello'), 'me/hello:latest')
  assert.equal(normaliseImageRef('docker.io/me/hello:1.0'), 'me/hello:1.0')
  assert.equal(normaliseImageRef('docker.io/library/alpine'), 'alpine:latest')
  assert.equal(normaliseImageRef('localhost:5000/me/hello'), 'localhost:5000/me/hello:latest')
  assert.equal(normaliseImageRef('me/hello@sha256:abc'), 'me/hello@sha256:abc')
})

test('the shipped templates carry a host section the builder understands', async () => {
  const node20 = await readHostSpec(path.join(repoRoot, 'templates-store', 'template', 'node20'))
  assert.ok(node20)
  assert.equal(node20.mode, 'http')
  assert.equal(node20.port_env, 'http_port')
  assert.deepEqual(node20.requires, ['node'])
  assert.equal(node20.environment.exec_timeout, '10s')
  assert.deepEqual(await hostToolchainAvailable(node20), {ok: true, missing: []})
  assert.deepEqual(await hostToolchainAvailable({requires: ['no-such-tool-xyz']}), {ok: false, missing: ['no-such-tool-xyz']})
})

test('builds: runs the steps in build/<fn>, copies the result to the store, records it; reuses identical builds', async () => {
  const indexPath = path.join(root, 'idx1', 'index.json')
  const ctx = context('hello', {'run.sh': 'cat', 'src.txt': 'v1'})
  const host = spec({build: ['echo built > artefact.txt', 'echo step output'], environment: {exec_timeout: '5s'}})
  const out: string[] = []
  const r = await buildOnHost({contextDir: ctx, image: 'me/hello', host, functionName: 'hello', lang: 'bash', indexPath, onOutput: (l) => out.push(l)})
  assert.equal(r.cached, false)
  assert.equal(r.image, 'me/hello:latest')
  assert.ok(out.includes('step output'))
  assert.equal(fs.readFileSync(path.join(ctx, 'artefact.txt'), 'utf8'), 'built\n', 'steps run in build/<fn>')
  assert.equal(fs.readFileSync(path.join(r.dir, 'artefact.txt'), 'utf8'), 'built\n', 'the result is copied to the store')
  assert.ok(!r.dir.startsWith(ctx))
  const entry = await lookupImage('me/hello:latest', indexPath)
  assert.ok(entry)
  assert.equal(entry.dir, r.dir)
  assert.equal(entry.run, 'sh run.sh')
  assert.equal(entry.mode, 'classic')
  assert.deepEqual(entry.environment, {exec_timeout: '5s'})
  assert.equal(entry.function, 'hello')
  assert.match(entry.digest, /^sha256:[0-9a-f]{64}$/)

  // Same inputs again (a fresh context, as the build pipeline assembles it): the build is reused.
  const again = await buildOnHost({contextDir: context('hello', {'run.sh': 'cat', 'src.txt': 'v1'}), image: 'me/hello', host, indexPath})
  assert.equal(again.cached, true)
  assert.equal(again.dir, r.dir)
  // A change makes a new build in a new folder; the running one stays untouched.
  const changed = await buildOnHost({contextDir: context('hello', {'run.sh': 'cat', 'src.txt': 'v2'}), image: 'me/hello', host, indexPath})
  assert.equal(changed.cached, false)
  assert.notEqual(changed.dir, r.dir)
  assert.equal(fs.readFileSync(path.join(r.dir, 'src.txt'), 'utf8'), 'v1')
  assert.equal((await lookupImage('me/hello', indexPath))!.dir, changed.dir)
  const noCache = await buildOnHost({contextDir: context('hello', {'run.sh': 'cat', 'src.txt': 'v2'}), image: 'me/hello', host, indexPath, noCache: true})
  assert.equal(noCache.cached, false)
})

test("records the template's container fprocess from the context's template.yml", async () => {
  const indexPath = path.join(root, 'idx8', 'index.json')
  const ctx = context('tmpl', {'template.yml': 'language: python3-http\nfprocess: python index.py\n', 'index.py': ''})
  const r = await buildOnHost({contextDir: ctx, image: 'me/tmpl', host: spec({run: 'python3 index.py', requires: []}), indexPath})
  assert.equal(r.entry.image_fprocess, 'python index.py')
  assert.equal(r.entry.run, 'python3 index.py')
})

test('keeps file modes (executables stay executable)', async () => {
  const indexPath = path.join(root, 'idx2', 'index.json')
  const ctx = context('modes', {'x.sh': '#!/bin/sh\necho hi\n'})
  fs.chmodSync(path.join(ctx, 'x.sh'), 0o755)
  const r = await buildOnHost({contextDir: ctx, image: 'me/modes', host: spec({run: './x.sh'}), indexPath})
  assert.equal(fs.statSync(path.join(r.dir, 'x.sh')).mode & 0o777, 0o755)
})

test('a missing program is named with how to install it', async () => {
  const ctx = context('missing', {'a.txt': 'x'})
  await assert.rejects(
    buildOnHost({contextDir: ctx, image: 'me/missing', host: spec({requires: ['go']}), indexPath: path.join(root, 'idx3', 'index.json'), env: {PATH: '/nonexistent'}}),
    (err: Error & {hint?: string}) => {
      assert.match(err.message, /"go" is not installed \(not found on PATH\)/)
      assert.match(err.hint ?? '', /go\.dev/)
      return true
    },
  )
})

test('a failing build step fails the build and shows its output', async () => {
  const ctx = context('failing', {'a.txt': 'x'})
  await assert.rejects(
    buildOnHost({contextDir: ctx, image: 'me/failing', functionName: 'failing', host: spec({build: ['echo compiling; echo "boom: syntax error" >&2; exit 3']}), indexPath: path.join(root, 'idx4', 'index.json')}),
    /\[failing\] host build step failed \(exit code 3\)[\s\S]*boom: syntax error/,
  )
  assert.equal((await readImageIndex(path.join(root, 'idx4', 'index.json'))).images['me/failing:latest'], undefined)
})

test('a template without a host section needs a container engine', async () => {
  const ctx = context('nohost', {'a.txt': 'x'})
  await assert.rejects(buildOnHost({contextDir: ctx, image: 'me/nohost', lang: 'java11', indexPath: path.join(root, 'idx5', 'index.json')}), /has no "host" section/)
})

test('dockerfile functions: ENV fprocess and mode from the Dockerfile, else a container engine is needed', async () => {
  const dockerfile = [
    'FROM ghcr.io/openfaas/classic-watchdog:0.3.3 AS watchdog',
    'FROM alpine:3.20 AS ship',
    'COPY --from=watchdog /fwatchdog /usr/bin/fwatchdog',
    'ENV fprocess="wc -c" \\',
    '    exec_timeout=5s',
    'ENV write_debug "false"',
    'CMD ["fwatchdog"]',
  ].join('\n')
  const parsed = parseDockerfileFinalStage(dockerfile)
  assert.deepEqual(parsed.env, {fprocess: 'wc -c', exec_timeout: '5s', write_debug: 'false'})
  const indexPath = path.join(root, 'idx6', 'index.json')
  const templateHost = spec({requires: ['cat'], run: 'cat', mode: 'classic'})
  const r = await buildOnHost({contextDir: context('df', {Dockerfile: dockerfile}), image: 'me/df', lang: 'dockerfile', host: templateHost, indexPath})
  assert.equal(r.entry.run, 'wc -c')
  assert.equal(r.entry.mode, 'classic')
  assert.equal(r.entry.environment.exec_timeout, '5s')
  assert.ok(r.warnings.some((w) => /not run on the host/.test(w)))
  await assert.rejects(
    buildOnHost({contextDir: context('df2', {Dockerfile: 'FROM alpine\nRUN echo hi\n'}), image: 'me/df2', lang: 'dockerfile', indexPath}),
    /has no "host" section/,
  )
})

test('concurrent writers merge into the index', async () => {
  const indexPath = path.join(root, 'idx7', 'index.json')
  await Promise.all(
    Array.from({length: 12}, (_, i) =>
      recordImage({image: `me/f${i}:latest`, dir: `/tmp/f${i}`, digest: 'sha256:x', run: 'cat', mode: 'classic', environment: {}, builtAt: ''}, indexPath),
    ),
  )
  const index = await readImageIndex(indexPath)
  assert.equal(Object.keys(index.images).length, 12)
  assert.ok(!fs.existsSync(indexPath + '.lock'))
})
