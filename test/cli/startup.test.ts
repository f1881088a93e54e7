/**
 * The one start-up path (src/cli/main.ts, scripts/build.mjs): a command evaluates what it needs
 * and nothing else. Each run records the bundle files it read (fs.readFileSync wrapped by a
 * --require preload) and the Node built-ins it loaded, and the test checks them against the bundle's
 * metafile: the command's own chunk loads, other commands', help's and plugin code does not.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import {pathToFileURL} from 'node:url'
import {before, describe, it} from 'node:test'

import {binPath, cleanEnv, deadGatewayUrl, repoRoot, tempDir} from '../helpers/cli.js'

interface Meta {
  outputs: Record<string, {entryPoint?: string; inputs: Record<string, unknown>}>
}

const meta = JSON.parse(readFileSync(path.join(repoRoot, 'dist', 'bundle-meta.json'), 'utf8')) as Meta

/** The bundle file (relative to the repo) whose entry is `source`, e.g. a command's module. */
function chunkOf(source: string): string {
  const found = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === source)
  assert.ok(found, `a chunk of its own for ${source}`)
  return found[0]
}

/** Bundle files that hold any input whose path contains `part`. */
function chunksHolding(part: string): string[] {
  return Object.entries(meta.outputs).filter(([, o]) => Object.keys(o.inputs).some((i) => i.includes(part))).map(([k]) => k)
}

const hookDir = mkdtempSync(path.join(os.tmpdir(), 'faas-startup-hook-'))
// preloaded with --require: records every file read with fs.readFileSync (the bundle loader
// reads each bundle file so, src/cli/bundle-loader.ts) and, at exit, the built-ins loaded
const hookFile = path.join(hookDir, 'record.cjs')
writeFileSync(hookFile, [
  "const fs = require('node:fs')",
  "const {pathToFileURL} = require('node:url')",
  'const seen = new Set()',
  'const read = fs.readFileSync',
  "fs.readFileSync = function (file, ...rest) { if (typeof file === 'string') seen.add(pathToFileURL(file).href); return read.call(this, file, ...rest) }",
  "process.on('exit', () => fs.appendFileSync(process.env.FAAS_TEST_IMPORTS, [...seen, ...process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => 'builtin:' + m.slice(13))].join('\\n') + '\\n'))",
  '',
].join('\n'))

/** Runs `faas ARGS` and returns what it loaded: bundle files (repo-relative) and built-ins. */
function loaded(args: string[], env: NodeJS.ProcessEnv = {}): {code: number; stdout: string; stderr: string; files: Set<string>; builtins: Set<string>} {
  const log = path.join(hookDir, `imports-${Math.random().toString(36).slice(2)}.txt`)
  writeFileSync(log, '')
  const r = spawnSync(process.execPath, ['--require', hookFile, binPath, ...args], {
    cwd: tempDir(),
    env: cleanEnv({FAAS_TEST_IMPORTS: log, ...env}),
    encoding: 'utf8',
  })
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean)
  const prefix = pathToFileURL(repoRoot).href + '/'
  const files = new Set(lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length)))
  const builtins = new Set(lines.filter((l) => l.startsWith('builtin:')).map((l) => l.slice('builtin:'.length)))
  return {code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr, files, builtins}
}

describe('one start-up path: a command loads what it needs', () => {
  // commands against a gateway URL where nothing listens fail fast, and the same way each time
  let dead = ''
  before(async () => {
    dead = await deadGatewayUrl()
  })

  it('`logout --help` loads help, not the command modules, the command table or plugin code', () => {
    const r = loaded(['logout', '--help'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /Remove the saved credentials of a gateway/)
    assert.ok(r.files.has('dist/bundle/faas.cjs'))
    assert.ok(r.files.has('dist/bundle/help.cjs'), 'help is loaded when help is shown')
    // the manifest holds the boolean flags' defaults that help shows (scripts/build.mjs)
    assert.ok(!r.files.has(chunkOf('src/commands/logout.ts')), 'not even the command itself')
    for (const other of ['src/commands/build.ts', 'src/commands/list.ts', 'src/commands/secret/create.ts']) {
      assert.ok(!r.files.has(chunkOf(other)), `${other} is not loaded`)
    }
    assert.ok(!r.files.has('dist/bundle/commands.cjs'), 'the table of every command is not loaded')
    assert.ok(!r.files.has('dist/bundle/not-found.cjs'))
    assert.ok(![...r.files].some((f) => f.startsWith('node_modules/')), `nothing from node_modules: ${[...r.files].filter((f) => f.startsWith('node_modules/'))}`)
    assert.ok(!r.builtins.has('child_process'), 'no child process is started to learn the platform or shell')
  })

  it('`list` with no stack file loads neither help nor the YAML parser nor HTTP/2', () => {
    const r = loaded(['list', '--gateway', dead])
    assert.equal(r.code, 1)
    assert.ok(r.stderr.startsWith(`Error: cannot connect to OpenFaaS on URL: ${dead}\n`), r.stderr)
    assert.ok(r.files.has(chunkOf('src/commands/list.ts')))
    assert.ok(!r.files.has('dist/bundle/help.cjs'))
    for (const chunk of chunksHolding('node_modules/yaml/')) assert.ok(!r.files.has(chunk), `yaml's chunk ${chunk} is not loaded`)
    // Node 22+ loads node:http2 on this path by itself (after tls), so the check is Node 20's
    if (Number(process.versions.node.split('.')[0]) < 22) {
      assert.ok(!r.builtins.has('http2'), 'got loads http2-wrapper (and node:http2) only for HTTP/2 requests')
      assert.ok(!r.builtins.has('tls') && !r.builtins.has('https'), 'an http:// gateway loads neither node:tls nor node:https')
    }
    // imports of built-ins are requires in the bundle: no ESM facade reads fs.promises, process.report or crypto.webcrypto
    for (const b of ['internal/process/report', 'internal/crypto/webcrypto']) assert.ok(!r.builtins.has(b), `${b} is not loaded`)
    assert.ok(!r.builtins.has('crypto'), 'got makes its request id (crypto.randomUUID) only for a diagnostics subscriber')
  })

  it('got still gives a subscriber of its diagnostics channels one request id per request', () => {
    const out = path.join(hookDir, `channels-${Math.random().toString(36).slice(2)}.txt`)
    const subscriber = path.join(hookDir, 'subscribe.mjs')
    writeFileSync(subscriber, [
      "import dc from 'node:diagnostics_channel'",
      "import {appendFileSync} from 'node:fs'",
      "for (const name of ['got:request:create', 'got:request:error']) dc.subscribe(name, (m) => appendFileSync(process.env.FAAS_TEST_CHANNELS, `${name} ${m.requestId}\\n`))",
      '',
    ].join('\n'))
    writeFileSync(out, '')
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(subscriber).href, binPath, 'list', '--gateway', dead], {cwd: tempDir(), env: cleanEnv({FAAS_TEST_CHANNELS: out}), encoding: 'utf8'})
    assert.equal(r.status, 1, r.stderr)
    const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean)
    const ids = new Set(lines.map((l) => l.split(' ')[1]))
    assert.ok(lines.some((l) => l.startsWith('got:request:create ')) && lines.some((l) => l.startsWith('got:request:error ')), lines.join('\n'))
    assert.equal(ids.size, 1, `one id for the request: ${lines.join(', ')}`)
    assert.match([...ids][0], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('got\'s packages kept out of the chunks work from dist/bundle/lazy: a gzip answer is decompressed', async () => {
    const body = zlib.gzipSync(JSON.stringify([{name: 'figlet', image: 'ghcr.io/openfaas/figlet:latest', invocationCount: 3, replicas: 1, availableReplicas: 1}]))
    const server = http.createServer((req, res) => {
      res.writeHead(200, {'content-type': 'application/json', 'content-encoding': 'gzip'})
      res.end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`
      // spawnSync would block the server's event loop: run the CLI asynchronously
      const {spawn} = await import('node:child_process')
      const child = spawn(process.execPath, [binPath, 'list', '--gateway', url], {cwd: tempDir(), env: cleanEnv({})})
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
      assert.equal(code, 0, stderr)
      assert.match(stdout, /^Function\s+\tInvocations\s+\tReplicas\nfiglet\s+\t3\s+\t1\s*\n$/)
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('`help COMMAND` runs the help command bundled from @oclif/plugin-help', () => {
    const r = loaded(['help', 'logout'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^Remove the saved credentials of a gateway\n\nUSAGE\n {2}\$ faas logout/)
    assert.ok(r.files.has(chunkOf('node_modules/@oclif/plugin-help/lib/commands/help.js')))
  })

  it('an unknown command loads the not-found hook and answers as before', () => {
    const r = loaded(['lst'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: unknown command "lst" for "faas"\nHint: Did you mean "faas list"\?/)
    assert.ok(r.files.has('dist/bundle/not-found.cjs'))
  })

  it('DEBUG still turns on oclif\'s debug lines (without it the logger is a no-op)', () => {
    const r = loaded(['logout', '--help'], {DEBUG: 'oclif:*'})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /oclif:config/)
    assert.equal(loaded(['logout', '--help']).stderr, '')
  })

  it('the packages kept out of the chunks load from dist/bundle/lazy when oclif asks for them', () => {
    const require = createRequire(import.meta.url)
    const lazy = (name: string) => require(path.join(repoRoot, 'dist', 'bundle', 'lazy', `${name}.cjs`)) as Record<string, unknown>
    assert.equal(typeof lazy('minimatch').minimatch, 'function')
    assert.equal(typeof lazy('tinyglobby').glob, 'function')
    assert.equal(typeof lazy('lilconfig').lilconfig, 'function')
    assert.ok(lazy('cli-spinners').dots, 'the spinners oclif draws')
    // what the bundle's stand-ins for got's imports forward to (scripts/build.mjs, GOT_LAZY)
    assert.equal(typeof lazy('http2-wrapper').auto, 'function')
    assert.ok(lazy('http2-wrapper').globalAgent)
    assert.equal(typeof lazy('cacheable-request').default, 'function')
    assert.equal(typeof lazy('cacheable-request').CacheError, 'function')
    assert.equal(typeof lazy('cacheable-lookup').default, 'function')
    assert.equal(typeof lazy('form-data-encoder').FormDataEncoder, 'function')
    assert.equal((lazy('form-data-encoder').isFormData as (v: unknown) => boolean)(new FormData()), true)
    assert.equal(typeof lazy('decompress-response').default, 'function')
  })
})
