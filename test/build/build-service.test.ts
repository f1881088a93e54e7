import assert from 'node:assert/strict'
import {existsSync, readFileSync, writeFileSync, chmodSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {buildFunctions, failureError, type BuildRequest} from '../../src/build/build.js'
import {PlainProgress} from '../../src/build/progress.js'
import type {StackFunction} from '../../src/stack/types.js'
import {fakeEngineEnv, folderTemplates, makeProject, readEngineLog, TextSink, writeTree} from './helpers.js'

function request(cwd: string, env: NodeJS.ProcessEnv, functions: StackFunction[], extra: Partial<BuildRequest> = {}): {req: BuildRequest; sink: TextSink} {
  const sink = new TextSink()
  const parallel = extra.parallel ?? 1
  return {
    sink,
    req: {
      cwd, env, functions, parallel, builder: 'docker', tag: 'latest',
      buildArgs: [], buildOptions: [], buildLabels: [], copyExtra: [],
      templates: folderTemplates(cwd),
      progress: new PlainProgress({stream: sink, parallel, quiet: extra.quiet}),
      ...extra,
    },
  }
}

const hello: StackFunction = {name: 'hello', lang: 'node-test', handler: './hello', image: 'ghcr.io/acme/hello'}
const web: StackFunction = {name: 'web', lang: 'dockerfile', handler: './web', image: 'acme/web:0.2.0'}

describe('build service (§4.2)', () => {
  it('runs docker build in build/<fn> with faas-cli argv and output', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const {req, sink} = request(cwd, env, [hello, web])
    const results = await buildFunctions(req)
    assert.deepEqual(results.map((r) => [r.name, r.outcome, r.image]), [['hello', 'built', 'ghcr.io/acme/hello:latest'], ['web', 'built', 'acme/web:0.2.0']])
    const calls = readEngineLog(log)
    assert.equal(calls.length, 2)
    assert.deepEqual(calls[0].argv, ['build', '--build-arg', 'ADDITIONAL_PACKAGE=', '--tag', 'ghcr.io/acme/hello:latest', '.'])
    assert.equal(calls[0].cwd, path.join(cwd, 'build/hello'))
    assert.equal(calls[0].env.DOCKER_BUILDKIT, null)
    assert.equal(calls[1].cwd, path.join(cwd, 'build/web'))
    assert.match(sink.text, /^\[0\] > Building hello\.$/m)
    assert.match(sink.text, /^Building: ghcr\.io\/acme\/hello:latest with node-test template\. Please wait\.\.$/m)
    assert.match(sink.text, /^fake-docker: step 1\/2$/m, 'engine output streamed')
    assert.match(sink.text, /^Image: ghcr\.io\/acme\/hello:latest built\.$/m)
    assert.match(sink.text, /^\[0\] < Building hello done in \d+\.\d\ds\.$/m)
    assert.match(sink.text, /^\[0\] Worker done\.$/m)
  })

  it('merges build args, options, labels and secrets into the argv', async () => {
    const cwd = makeProject()
    writeTree(cwd, {'secret.txt': 's3cret'})
    const {env, log} = fakeEngineEnv({http_proxy: 'http://proxy:3128'})
    const fn: StackFunction = {name: 'opt', lang: 'opts', handler: './hello', image: 'acme/opt', build_options: ['dev'], build_args: {FOO: 'stack', ADDITIONAL_PACKAGE: 'zip'}, build_secrets: {token: 'secret.txt'}}
    const {req} = request(cwd, env, [fn], {buildArgs: ['FOO=flag', 'ADDITIONAL_PACKAGE=jq'], buildOptions: ['tools'], buildLabels: ['org.x=1'], pull: true, squash: true})
    const results = await buildFunctions(req)
    assert.equal(results[0].outcome, 'built', results[0].error)
    const [call] = readEngineLog(log)
    assert.deepEqual(call.argv, [
      'build', '--squash', '--build-arg', 'http_proxy=http://proxy:3128', '--build-arg', 'FOO=flag',
      '--build-arg', 'ADDITIONAL_PACKAGE=curl gcc jq make', '--label', 'org.x=1', '--pull', '--tag', 'acme/opt:latest', '.',
      '--secret', `id=token,src=${path.join(cwd, 'secret.txt')}`,
    ])
    assert.equal(call.env.DOCKER_BUILDKIT, '1', 'BuildKit for build secrets')
    assert.ok(existsSync(path.join(cwd, 'build/opt/handler/handler.js')))
  })

  it('switches BuildKit on for templates with mount_ssh', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const {req} = request(cwd, env, [{name: 's', lang: 'ssh', handler: './hello', image: 'a/s'}])
    await buildFunctions(req)
    assert.equal(readEngineLog(log)[0].env.DOCKER_BUILDKIT, '1')
  })

  it('fixes §10: a malformed --build-arg is an error, not a silent drop of all build args', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const {req} = request(cwd, env, [hello], {buildArgs: ['GOOD=1', 'BROKEN']})
    await assert.rejects(buildFunctions(req), /Invalid --build-arg value "BROKEN"/)
    assert.equal(readEngineLog(log).length, 0)
  })

  it('fixes §10: --tag sha outside a git repository fails clearly', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const {req} = request(cwd, env, [hello], {tag: 'sha'})
    await assert.rejects(buildFunctions(req), /--tag sha needs a git repository/)
    assert.equal(readEngineLog(log).length, 0, 'no image tagged with git\'s error text')
  })

  it('skips skip_build functions and functions without a language', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const {req, sink} = request(cwd, env, [{name: 'prebuilt', image: 'x/y', skip_build: true}, {name: 'nolang', image: 'x/z', handler: './web'}, web])
    const results = await buildFunctions(req)
    assert.deepEqual(results.map((r) => r.outcome), ['skipped', 'skipped', 'built'])
    assert.match(sink.text, /Skipping build of: prebuilt\./)
    assert.match(sink.text, /Please provide a valid language for your function/)
    assert.equal(readEngineLog(log).length, 1)
  })

  it('collects failures and keeps building the others', async () => {
    const cwd = makeProject()
    const {env} = fakeEngineEnv({FAKE_ENGINE_FAIL_MATCH: 'ghcr.io/acme/hello:latest'})
    const {req} = request(cwd, env, [hello, web, {name: 'bad', lang: 'dockerfile', handler: './missing', image: 'a/b'}])
    const results = await buildFunctions(req)
    assert.deepEqual(results.map((r) => r.outcome), ['failed', 'built', 'failed'])
    const err = failureError(results, 'build')!
    assert.match(err.message, /^Errors received during build:\n- \[hello\] received non-zero exit code from build, error: fake-docker: failing on ghcr\.io\/acme\/hello:latest\n- building bad, \.\/missing is an invalid path$/)
  })

  it('--shrinkwrap writes the context only', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const {req, sink} = request(cwd, env, [web], {shrinkwrap: true})
    const results = await buildFunctions(req)
    assert.equal(results[0].outcome, 'shrinkwrapped')
    assert.match(sink.text, /web shrink-wrapped to build\/web/)
    assert.ok(existsSync(path.join(cwd, 'build/web/Dockerfile')))
    assert.equal(readEngineLog(log).length, 0)
  })

  it('--quiet hides engine output', async () => {
    const cwd = makeProject()
    const {env} = fakeEngineEnv()
    const {req, sink} = request(cwd, env, [web], {quiet: true})
    await buildFunctions(req)
    assert.doesNotMatch(sink.text, /fake-docker/)
    assert.match(sink.text, /Image: acme\/web:0\.2\.0 built\./)
  })

  it('builds with podman when asked, with --isolation from BUILDAH_ISOLATION', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv({BUILDAH_ISOLATION: 'chroot'})
    const {req} = request(cwd, env, [web], {builder: 'podman'})
    await buildFunctions(req)
    const [call] = readEngineLog(log)
    assert.equal(call.engine, 'podman')
    assert.deepEqual(call.argv.slice(0, 2), ['build', '--isolation=chroot'])
  })

  it('runs --parallel builds concurrently with prefixed output', async () => {
    const cwd = makeProject()
    const fns: StackFunction[] = Array.from({length: 4}, (_, i) => ({name: `w${i}`, lang: 'dockerfile', handler: './web', image: `acme/w${i}`}))
    const {env} = fakeEngineEnv({FAKE_ENGINE_SLEEP: '0.3'})
    const {req, sink} = request(cwd, env, fns, {parallel: 4})
    const started = Date.now()
    const results = await buildFunctions(req)
    const elapsed = Date.now() - started
    assert.ok(results.every((r) => r.outcome === 'built'))
    // run one after the other, four 0.3 s sleeps cannot take less than 1.2 s, however fast the machine
    assert.ok(elapsed < 1150, `4 builds of 0.3 s with --parallel 4 took ${elapsed} ms`)
    assert.match(sink.text, /^w2 \| fake-docker: step 1\/2$/m)
    const workers = [...sink.text.matchAll(/^\[(\d)\] Worker done\.$/gm)].map((m) => m[1])
    assert.deepEqual(workers, ['0', '1', '2', '3'])
  })
})

describe('incremental builds', () => {
  it('does not rebuild an unchanged function and says "up to date"', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    await buildFunctions(request(cwd, env, [hello, web]).req)
    assert.equal(readEngineLog(log).length, 2)
    const {req, sink} = request(cwd, env, [hello, web])
    const second = await buildFunctions(req)
    assert.deepEqual(second.map((r) => r.outcome), ['up to date', 'up to date'])
    assert.equal(readEngineLog(log).length, 2, 'no engine call on the second run')
    assert.match(sink.text, /Image: ghcr\.io\/acme\/hello:latest built\. \(up to date\)/)
    // the state lives in the cache folder, not in the project
    assert.ok(existsSync(path.join(env.XDG_CACHE_HOME!, 'faas', 'builds')))
    assert.ok(!existsSync(path.join(cwd, '.faas')))
  })

  it('rebuilds only the function whose files changed', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    await buildFunctions(request(cwd, env, [hello, web]).req)
    writeFileSync(path.join(cwd, 'web/app.sh'), '#!/bin/sh\necho changed\n')
    const results = await buildFunctions(request(cwd, env, [hello, web]).req)
    assert.deepEqual(results.map((r) => r.outcome), ['up to date', 'built'])
    assert.equal(readEngineLog(log).length, 3)
  })

  it('rebuilds when a mode, a template file, a build arg, a flag or the image changes', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const count = () => readEngineLog(log).length
    const run = async (fns: StackFunction[], extra: Partial<BuildRequest> = {}) => (await buildFunctions(request(cwd, env, fns, extra).req))[0].outcome
    assert.equal(await run([hello]), 'built')
    chmodSync(path.join(cwd, 'hello/handler.js'), 0o755)
    assert.equal(await run([hello]), 'built', 'mode change')
    writeFileSync(path.join(cwd, 'template/node-test/Dockerfile'), 'FROM busybox\n')
    assert.equal(await run([hello]), 'built', 'template change')
    assert.equal(await run([hello], {buildArgs: ['A=1']}), 'built', 'build arg')
    assert.equal(await run([hello], {buildArgs: ['A=1']}), 'up to date')
    assert.equal(await run([hello], {buildArgs: ['A=1'], squash: true}), 'built', '--squash')
    assert.equal(await run([hello], {buildArgs: ['A=1'], squash: true, builder: 'podman'}), 'built', 'other engine')
    assert.equal(await run([{...hello, image: 'ghcr.io/acme/hello:2'}], {buildArgs: ['A=1'], squash: true}), 'built', 'other image')
    assert.equal(count(), 7)
  })

  it('--force and --no-cache rebuild; a failed build is not remembered', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    await buildFunctions(request(cwd, env, [web]).req)
    assert.equal((await buildFunctions(request(cwd, env, [web], {force: true}).req))[0].outcome, 'built')
    assert.equal((await buildFunctions(request(cwd, env, [web], {noCache: true}).req))[0].outcome, 'built')
    assert.equal(readEngineLog(log).length, 3)

    const failing = fakeEngineEnv({FAKE_ENGINE_FAIL: 'build', XDG_CACHE_HOME: env.XDG_CACHE_HOME})
    writeFileSync(path.join(cwd, 'web/app.sh'), 'v2')
    assert.equal((await buildFunctions(request(cwd, failing.env, [web]).req))[0].outcome, 'failed')
    assert.equal((await buildFunctions(request(cwd, env, [web]).req))[0].outcome, 'built', 'rebuilt after a failure')
  })

  it('rewrites a build context that was changed by hand even when the image is up to date', async () => {
    const cwd = makeProject()
    const {env} = fakeEngineEnv()
    await buildFunctions(request(cwd, env, [web]).req)
    writeFileSync(path.join(cwd, 'build/web/Dockerfile'), 'tampered')
    const results = await buildFunctions(request(cwd, env, [web]).req)
    assert.equal(results[0].outcome, 'up to date')
    assert.equal(readFileSync(path.join(cwd, 'build/web/Dockerfile'), 'utf8'), 'FROM scratch\n')
  })
})
