/**
 * Go-style argument forms that faas-cli (cobra/pflag) accepts, on real commands through the built
 * CLI: `--flag=false` and `-v=false` booleans, `-f=file` / `--gateway=url`, a repeated single-value
 * flag (the last one wins), repeatable flags whose values hold commas (stringArray never splits),
 * local-run's `-e K1=V1,K2=V2` (stringToString does), Go durations, and the second bin name
 * `faas-cli`.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {mkdirSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {fakeEngineEnv, makeStackProject} from '../build/helpers.js'
import {binPath, cleanEnv, runCli, tempDir} from '../helpers/cli.js'
import {startTestGateway, type TestGateway} from '../helpers/gateway.js'

/** A command by name from PATH, asynchronously (the test gateway lives in this process). */
function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {env, cwd: tempDir(), stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code: code ?? 1, stdout, stderr}))
  })
}

function stackDir(stack: string, file = 'stack.yml'): string {
  const cwd = tempDir()
  writeFileSync(path.join(cwd, file), stack)
  return cwd
}

const GENERATE_STACK = `version: 1.0
provider:
  name: openfaas
functions:
  fn1:
    image: acme/fn1:\${TAG:-0.1}
`

describe('Go-style argument forms', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({functions: [{name: 'figlet', image: 'ghcr.io/openfaas/figlet:latest'}], followCloseAfterMs: 200})
  })
  after(() => gw.close())

  it('--tail=false and -t=false turn following off (logs)', async () => {
    for (const form of ['--tail=false', '-t=false']) {
      gw.clearRequests()
      const r = await runCli(['logs', 'figlet', `--gateway=${gw.url}`, form])
      assert.equal(r.code, 0, r.stderr)
      const query = new URLSearchParams(gw.systemRequests()[0].query)
      assert.equal(query.get('follow'), 'false', form)
    }
    gw.clearRequests()
    // the last one wins; --since takes a Go duration
    const last = await runCli(['logs', 'figlet', '-g', gw.url, '--tail=true', '-t', '--tail=false', '--since', '1m30s'])
    assert.equal(last.code, 0, last.stderr)
    const query = new URLSearchParams(gw.systemRequests()[0].query)
    assert.equal(query.get('follow'), 'false')
    const since = Date.parse(query.get('since')!)
    assert.ok(Math.abs(Date.now() - 90_000 - since) < 10_000, `since=${query.get('since')}`)
  })

  it('--envsubst=false leaves ${VAR} in the stack file as written; -f=file and --yaml=file read it', async () => {
    const cwd = stackDir(GENERATE_STACK, 'other.yml')
    const env = cleanEnv({TAG: '9.9'})
    const substituted = await runCli(['generate', '-f=other.yml'], {cwd, env})
    assert.equal(substituted.code, 0, substituted.stderr)
    assert.match(substituted.stdout, /image: acme\/fn1:9\.9$/m)
    const raw = await runCli(['generate', '--yaml=other.yml', '--envsubst=false'], {cwd, env})
    assert.equal(raw.code, 0, raw.stderr)
    assert.match(raw.stdout, /image: acme\/fn1:\$\{TAG:-0\.1\}$/m)
  })

  it('a repeated single-value flag: the last one wins (-f a -f b, --api x --api y)', async () => {
    const cwd = stackDir(GENERATE_STACK, 'other.yml')
    const r = await runCli(['generate', '-f', 'missing.yml', '-f', 'other.yml', '--api', 'serving.knative.dev/v1', '--api=openfaas.com/v1', '-n', 'a', '-n=b'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^apiVersion: openfaas\.com\/v1$/m)
    assert.match(r.stdout, /^ {2}namespace: b$/m)
  })

  it('-v=false and --verbose=false (store list) cut long titles like faas-cli', async () => {
    const title = 'A function whose title is longer than forty characters'
    gw.serve('/store/long.json', {version: '0.2.1', functions: [{name: 'long', title, author: 'me', images: {x86_64: 'me/long:1'}}]})
    const url = `${gw.url}/store/long.json`
    const full = await runCli(['store', 'list', '-p', 'x86_64', '-u', url])
    assert.equal(full.code, 0, full.stderr)
    assert.match(full.stdout, new RegExp(`${title}$`, 'm'))
    for (const form of ['-v=false', '--verbose=false']) {
      const short = await runCli(['store', 'list', '-p', 'x86_64', `--url=${url}`, form])
      assert.equal(short.code, 0, short.stderr)
      assert.match(short.stdout, /^long\s+me\s+A function whose title is longer than\.\.\.$/m, form)
    }
  })

  it('repeated -e/-l values, and commas inside a value are kept (stringArray never splits)', async () => {
    gw.clearRequests()
    const r = await runCli(['deploy', '--image=acme/x:1', '--name', 'x', `--gateway=${gw.url}`, '-e', 'A=1', '-e', 'B=2', '-e', 'LIST=a,b,c', '-l', 'team=a,b', '--annotation', 'k=v1,v2', '--secret', 's1', '--secret=s2'])
    assert.equal(r.code, 0, r.stderr)
    const body = gw.systemRequests().find((q) => q.path === '/system/functions' && q.method !== 'GET')!.json as Record<string, unknown>
    assert.deepEqual(body.envVars, {A: '1', B: '2', LIST: 'a,b,c'})
    assert.deepEqual(body.labels, {team: 'a,b'})
    assert.deepEqual(body.annotations, {k: 'v1,v2'})
    assert.deepEqual(body.secrets, ['s1', 's2'])
  })

  it('--timeout takes Go durations (1m30s succeeds, 100ms times out against a slow gateway)', async () => {
    gw.fault({method: 'PUT', path: '/system/functions', delayMs: 600})
    try {
      const slow = await runCli(['deploy', '--image', 'acme/y:1', '--name', 'y', '-g', gw.url, '--timeout', '100ms'])
      assert.notEqual(slow.code, 0, 'a 100ms timeout must fail against a 600ms answer')
      const ok = await runCli(['deploy', '--image', 'acme/y:1', '--name', 'y', '-g', gw.url, '--timeout', '1m30s'])
      assert.equal(ok.code, 0, ok.stderr)
      const bad = await runCli(['deploy', '--image', 'acme/y:1', '--name', 'y', '-g', gw.url, '--timeout', '90'.concat('x')])
      assert.equal(bad.code, 1)
      assert.match(bad.stderr, /invalid duration "90x"/)
    } finally {
      gw.clearFaults()
    }
  })

  it('every duration flag needs a unit (--timeout 5 is an error naming 5s), as one Error/Hint pair', async () => {
    const cases = [
      ['deploy', '--image', 'acme/y:1', '--name', 'y', '-g', gw.url, '--timeout', '5'],
      ['up', '--timeout', '5'],
      ['store', 'deploy', 'figlet', '-g', gw.url, '--timeout', '5'],
      ['login', '-g', gw.url, '--password', 'x', '--timeout', '5'],
      ['logs', 'figlet', '-g', gw.url, '--since', '5'],
      ['ready', '-g', gw.url, '--interval', '5'],
    ]
    gw.clearRequests()
    for (const args of cases) {
      const flag = args.at(-2)!
      const r = await runCli(args)
      assert.equal(r.code, 1, args.join(' '))
      assert.equal(r.stderr, `Error: invalid argument "5" for "${flag}" flag: time: missing unit in duration "5"\nHint: Add a unit: ${flag} 5s (or ms, m, h; e.g. 500ms, 1m30s).\n`, args.join(' '))
    }
    assert.deepEqual(gw.requests, [], 'nothing is sent with a bad flag')
  })

  it('local-run -e takes K1=V1,K2=V2 in one value (stringToString splits)', async () => {
    const cwd = makeStackProject()
    const r = await runCli(['local-run', 'web', '--print', '--build=false', '-p=9091', '-e', 'A=1,B=2', '-e=C=3'], {cwd, env: fakeEngineEnv().env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /-p=9091:8080 -e=A=1 -e=B=2 -e=C=3 /)
  })

  it('faas-cli (the second bin name) is the same program', async () => {
    const binDir = tempDir('faas-bin-')
    mkdirSync(binDir, {recursive: true})
    symlinkSync(binPath, path.join(binDir, 'faas-cli'))
    const env = cleanEnv({PATH: `${binDir}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`})
    // through the shebang and the symlink, as npm installs the bin (not `node bin/run.js`)
    const viaLink = await runCommand('faas-cli', ['list', `--gateway=${gw.url}`], env)
    assert.equal(viaLink.code, 0, viaLink.stderr)
    const direct = await runCli(['list', `--gateway=${gw.url}`], {env})
    assert.equal(viaLink.stdout, direct.stdout)
    assert.match(viaLink.stdout, /^figlet\s+0\s+1\s*$/m)
    const version = await runCommand('faas-cli', ['version', '--short-version'], env)
    assert.equal(version.stdout, (await runCli(['version', '--short-version'], {env})).stdout)
  })
})
