/**
 * End to end, no Docker: `faas new` → `faas up --builder host` → `faas invoke` against the
 * embedded gateway (`faas gateway`), for every shipped template whose toolchain this machine
 * has; plus `faas login` against a gateway with basic auth, `faas watchdog` as a process, and a
 * gateway restart that keeps the deployed functions.
 */
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {readHostSpec, hostToolchainAvailable} from '../../src/local/host-builder.js'
import {type Background, binPath, cleanEnv, repoRoot, runCli, startInBackground, tempDir} from '../helpers/cli.js'

const work = tempDir('faas-e2e-local-')
const env = cleanEnv({FAAS_IMAGE_INDEX: path.join(work, 'images', 'index.json'), NO_COLOR: '1'})
const children: ChildProcess[] = []

after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  fs.rmSync(work, {recursive: true, force: true})
})

/** Starts `faas <args>` in the background (killed at the end) once it prints its URL. */
async function background(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Background> {
  const started = await startInBackground(args, {cwd: work, env: {...env, ...extraEnv}})
  children.push(started.child)
  return started
}

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode)
    child.once('exit', (code) => resolve(code))
    child.kill(signal)
  })
}

/** What each shipped template's sample answers to a POST of "e2e". */
const EXPECT: Record<string, (out: string) => void> = {
  node20: (out) => assert.equal(JSON.parse(out).body, 'e2e'),
  'python3-http': (out) => assert.equal(JSON.parse(out).length, 3),
  'golang-http': (out) => assert.equal(JSON.parse(out).length, 3),
  bash: (out) => assert.equal(out, 'Hello, e2e!\n'),
  dockerfile: (out) => assert.equal(out, 'e2e'),
}

describe('shipped templates: new → up → invoke without containers', () => {
  let gateway: Background
  const project = path.join(work, 'project')

  before(async () => {
    fs.mkdirSync(project)
    gateway = await background(['gateway', '--port', '0', '--data-dir', path.join(work, 'gateway')])
  })
  after(async () => {
    await stop(gateway.child)
  })

  const templatesDir = path.join(repoRoot, 'templates-store', 'template')
  const templates = fs.existsSync(templatesDir) ? fs.readdirSync(templatesDir).sort() : []

  test('the shipped templates are there', () => assert.ok(templates.includes('node20'), 'node20 template'))

  for (const lang of templates) {
    test(lang, async (t) => {
      const host = await readHostSpec(path.join(templatesDir, lang))
      if (!host) return t.skip(`${lang} has no host section`)
      const toolchain = await hostToolchainAvailable(host, env)
      if (!toolchain.ok) return t.skip(`missing on this machine: ${toolchain.missing.join(', ')}`)
      const name = `e2e-${lang.replace(/[^a-z0-9]+/g, '-')}`
      const created = await runCli(['new', name, '--lang', lang, '--quiet', ...(fs.existsSync(path.join(project, 'stack.yaml')) ? ['--append', 'stack.yaml'] : [])], {cwd: project, env})
      assert.equal(created.code, 0, created.stderr + created.stdout)
      const up = await runCli(['up', '--builder', 'host', '--filter', name, '-g', gateway.url], {cwd: project, env, timeoutMs: 180_000})
      assert.equal(up.code, 0, up.stderr + up.stdout)
      assert.match(up.stdout + up.stderr, /Deployed\. 202 Accepted\./)
      const invoked = await runCli(['invoke', name, '-g', gateway.url], {cwd: project, env, input: 'e2e', timeoutMs: 60_000})
      assert.equal(invoked.code, 0, invoked.stderr + invoked.stdout + '\ngateway:\n' + gateway.output())
      const check = EXPECT[lang]
      if (check) check(invoked.stdout)
      else assert.ok(invoked.stdout.length > 0)
    })
  }

  test('list, describe and logs see the deployed functions', async (t) => {
    const listed = await runCli(['list', '-g', gateway.url, '--json'], {cwd: project, env})
    assert.equal(listed.code, 0, listed.stderr)
    const names = (JSON.parse(listed.stdout) as Array<{name: string; invocationCount?: number}>).map((f) => f.name)
    if (!names.includes('e2e-node20')) return t.skip('node20 was not deployed')
    const described = await runCli(['describe', 'e2e-node20', '-g', gateway.url], {cwd: project, env})
    assert.equal(described.code, 0, described.stderr)
    assert.match(described.stdout, /Status:\s+Ready/)
    const logs = await runCli(['logs', 'e2e-node20', '-g', gateway.url, '--tail=false'], {cwd: project, env})
    assert.equal(logs.code, 0, logs.stderr)
    assert.match(logs.stdout, /listening on 127\.0\.0\.1:\d+/)
  })
})

test('the gateway needs basic auth: the local CLI finds the credentials, another user logs in', async () => {
  const gw = await background(['gateway', '--port', '0', '--data-dir', path.join(work, 'gw-auth')], {FAAS_GATEWAY_PASSWORD: 'hunter2'})
  try {
    assert.match(gw.output(), /basic auth is on/)
    assert.match(gw.output(), /faas-cli login -g http:\/\/127\.0\.0\.1:\d+ -u admin --password-stdin/, 'how to log in with the Go faas-cli')
    assert.match(gw.output(), /export OPENFAAS_URL=http:\/\/127\.0\.0\.1:\d+/)
    const local = await runCli(['list', '-g', gw.url], {env})
    assert.equal(local.code, 0, `the same user's CLI needs no login: ${local.stderr}`)
    // someone else (another HOME, so no record of the local gateway): 401 until they log in
    const other = cleanEnv({NO_COLOR: '1'})
    const denied = await runCli(['list', '-g', gw.url], {env: other})
    assert.notEqual(denied.code, 0)
    assert.match(denied.stdout + denied.stderr, /unauthorized|401/i)
    const wrong = await runCli(['login', '-g', gw.url, '-u', 'admin', '--password-stdin'], {env: other, input: 'nope'})
    assert.notEqual(wrong.code, 0)
    const login = await runCli(['login', '-g', gw.url, '-u', 'admin', '--password-stdin'], {env: other, input: 'hunter2'})
    assert.equal(login.code, 0, login.stderr)
    const listed = await runCli(['list', '-g', gw.url], {env: other})
    assert.equal(listed.code, 0, listed.stderr)
  } finally {
    await stop(gw.child)
  }
})

test('faas watchdog serves a function on its own and drains on SIGTERM', async () => {
  const wd = await background(['watchdog', '--port', '0', '--host', '127.0.0.1'], {
    fprocess: 'cat',
    mode: 'classic',
    healthcheck_interval: '100ms',
    TMPDIR: work,
  })
  const health = await fetch(`${wd.url}/_/health`)
  assert.equal(health.status, 200)
  assert.ok(fs.existsSync(path.join(work, '.lock')))
  const r = await fetch(`${wd.url}/any/path`, {method: 'POST', body: 'through the watchdog'})
  assert.equal(r.status, 200)
  assert.equal(await r.text(), 'through the watchdog')
  assert.equal(await stop(wd.child, 'SIGTERM'), 0)
  assert.ok(!fs.existsSync(path.join(work, '.lock')), 'the lock file is removed on SIGTERM')
})

test('faas watchdog rejects a configuration it cannot run', async () => {
  const r = await runCli(['watchdog', '--port', '0'], {env: {...env, mode: 'afterburn', fprocess: 'cat'}})
  assert.notEqual(r.code, 0)
  assert.match(r.stderr, /unknown watchdog mode/)
})

test('deployed functions come back after the gateway restarts', async (t) => {
  const node = await readHostSpec(path.join(repoRoot, 'templates-store', 'template', 'node20'))
  if (!node || !(await hostToolchainAvailable(node, env)).ok) return t.skip('node20 not buildable')
  const dataDir = path.join(work, 'gw-restart')
  const project = path.join(work, 'restart-project')
  fs.mkdirSync(project)
  let gw = await background(['gateway', '--port', '0', '--data-dir', dataDir])
  assert.equal((await runCli(['new', 'keeper', '--lang', 'node20', '--quiet'], {cwd: project, env})).code, 0)
  const up = await runCli(['up', '--builder', 'host', '-g', gw.url], {cwd: project, env, timeoutMs: 120_000})
  assert.equal(up.code, 0, up.stderr)
  await stop(gw.child)
  gw = await background(['gateway', '--port', '0', '--data-dir', dataDir])
  try {
    const invoked = await runCli(['invoke', 'keeper', '-g', gw.url], {cwd: project, env, input: 'again'})
    assert.equal(invoked.code, 0, invoked.stderr + gw.output())
    assert.equal(JSON.parse(invoked.stdout).body, 'again')
  } finally {
    await stop(gw.child)
  }
})

describe('faas local-run on the host (no container engine)', () => {
  const project = path.join(work, 'local-run')

  before(async () => {
    fs.mkdirSync(project)
    for (const [i, name] of ['lr-one', 'lr-two'].entries()) {
      const created = await runCli(['new', name, '--lang', 'bash', '--quiet', ...(i ? ['--append', 'stack.yaml'] : [])], {cwd: project, env})
      assert.equal(created.code, 0, created.stderr + created.stdout)
    }
  })

  /** Starts local-run and resolves with the URL it prints for each function. */
  function localRun(args: string[]): Promise<{child: ChildProcess; urls: Record<string, string>; output: () => string}> {
    const child = spawn(process.execPath, [binPath, 'local-run', ...args, '--builder', 'host', '--port', '0'], {cwd: project, env, stdio: ['ignore', 'pipe', 'pipe']})
    children.push(child)
    let text = ''
    child.stdout!.on('data', (c: Buffer) => (text += c))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`local-run did not start:\n${text}`)), 60_000)
      child.stderr!.on('data', (c: Buffer) => {
        text += c
        if (/Press Control\+C to stop/.test(text)) {
          clearTimeout(timer)
          const urls: Record<string, string> = {}
          for (const m of text.matchAll(/(\S+) is running on the host: (\S+)/g)) urls[m[1]] = m[2]
          resolve({child, urls, output: () => text})
        }
      })
      child.on('exit', (code) => reject(new Error(`local-run exited with ${code}:\n${text}`)))
    })
  }

  test('one function answers on --port directly', async (t) => {
    const host = await readHostSpec(path.join(repoRoot, 'templates-store', 'template', 'bash'))
    if (!host || !(await hostToolchainAvailable(host, env)).ok) return t.skip('bash template toolchain missing')
    const run = await localRun(['lr-one'])
    try {
      const url = run.urls['lr-one']
      assert.ok(url, run.output())
      const res = await fetch(url, {method: 'POST', body: 'local'})
      assert.equal(res.status, 200)
      assert.equal(await res.text(), 'Hello, local!\n')
    } finally {
      assert.equal(await stop(run.child), 0, run.output())
    }
  })

  test('several functions sit behind gateway routes on one port', async (t) => {
    const host = await readHostSpec(path.join(repoRoot, 'templates-store', 'template', 'bash'))
    if (!host || !(await hostToolchainAvailable(host, env)).ok) return t.skip('bash template toolchain missing')
    const run = await localRun(['lr-one', 'lr-two'])
    try {
      assert.deepEqual(Object.keys(run.urls).sort(), ['lr-one', 'lr-two'], run.output())
      for (const [name, url] of Object.entries(run.urls)) {
        assert.match(url, new RegExp(`/function/${name}$`))
        const res = await fetch(url, {method: 'POST', body: name})
        assert.equal(await res.text(), `Hello, ${name}!\n`)
      }
    } finally {
      assert.equal(await stop(run.child), 0, run.output())
    }
  })

  test('docker mode refuses several functions with a clear error', async () => {
    const r = await runCli(['local-run', 'lr-one', 'lr-two', '--engine', 'docker'], {cwd: project, env: {...env, PATH: `${path.join(repoRoot, 'test', 'helpers', 'fake-engine')}:${env.PATH}`}})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /docker mode runs one function at a time/)
  })
})

test('faas up against the embedded gateway builds on the host by itself, even with a docker CLI on PATH', async () => {
  const gw = await background(['gateway', '--port', '0', '--data-dir', path.join(work, 'gw-auto')])
  try {
    const project = path.join(work, 'auto-host')
    fs.mkdirSync(project)
    const created = await runCli(['new', 'auto', '--lang', 'bash', '--quiet'], {cwd: project, env})
    assert.equal(created.code, 0, created.stderr)
    // a docker that fails every call: had up chosen docker, the build would fail
    const fakeBin = path.join(work, 'failing-docker-bin')
    fs.mkdirSync(fakeBin, {recursive: true})
    fs.writeFileSync(path.join(fakeBin, 'docker'), '#!/bin/sh\necho "docker must not be called" >&2\nexit 1\n', {mode: 0o755})
    const up = await runCli(['up', '-g', gw.url], {cwd: project, env: {...env, PATH: `${fakeBin}:${env.PATH}`}, timeoutMs: 60_000})
    assert.equal(up.code, 0, up.stderr + up.stdout)
    assert.match(up.stderr, /building with the host builder/)
    assert.doesNotMatch(up.stderr, /docker must not be called/)
    const invoked = await runCli(['invoke', 'auto', '-g', gw.url], {cwd: project, env, input: 'auto'})
    assert.equal(invoked.stdout, 'Hello, auto!\n')
  } finally {
    await stop(gw.child)
  }
})
