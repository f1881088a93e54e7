import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, it} from 'node:test'

import {failureError} from '../../src/build/build.js'
import {resolveBuilder, requireEngine, runEngine} from '../../src/build/engine.js'
import {PlainProgress} from '../../src/build/progress.js'
import {publishFunctions, type PublishRequest} from '../../src/build/publish.js'
import {pushFunctions, type PushRequest} from '../../src/build/push.js'
import {isFaasError} from '../../src/errors.js'
import type {StackFunction} from '../../src/stack/types.js'
import {fakeEngineDir, fakeEngineEnv, folderTemplates, makeProject, readEngineLog, TextSink, tmp} from './helpers.js'

function pushReq(cwd: string, env: NodeJS.ProcessEnv, functions: StackFunction[], extra: Partial<PushRequest> = {}): {req: PushRequest; sink: TextSink} {
  const sink = new TextSink()
  return {sink, req: {cwd, env, functions, tag: 'latest', parallel: 1, engine: 'docker', progress: new PlainProgress({stream: sink, parallel: extra.parallel ?? 1}), ...extra}}
}

describe('push (§4.3)', () => {
  it('pushes every image from the project folder', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const {req, sink} = pushReq(cwd, env, [{name: 'a', image: 'me/a'}, {name: 'b', image: 'me/b:1', skip_build: true}, {name: 'c', image: 'me/c:2'}])
    const results = await pushFunctions(req)
    assert.deepEqual(results.map((r) => r.outcome), ['skipped', 'pushed', 'pushed'])
    const calls = readEngineLog(log)
    assert.deepEqual(calls.map((c) => c.argv), [['push', 'me/a:latest'], ['push', 'me/c:2']])
    assert.equal(calls[0].cwd, cwd)
    assert.match(sink.text, /^\[0\] > Pushing a \[me\/a:latest\]$/m)
    assert.match(sink.text, /^Skipping b$/m)
  })

  it('refuses images without an account or registry before pushing anything', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const {req} = pushReq(cwd, env, [{name: 'ok', image: 'me/ok'}, {name: 'bare', image: 'bare:1'}])
    await assert.rejects(pushFunctions(req), (e: unknown) => isFaasError(e) && /Unable to push one or more of your functions to Docker Hub:\n- bare\n\nYou must provide a username or registry prefix/.test((e as Error).message))
    assert.equal(readEngineLog(log).length, 0)
  })

  it('collects failures in parallel and names the failed command', async () => {
    const cwd = makeProject()
    const {env} = fakeEngineEnv({FAKE_ENGINE_FAIL_MATCH: 'me/b:latest'})
    const {req} = pushReq(cwd, env, [{name: 'a', image: 'me/a'}, {name: 'b', image: 'me/b'}, {name: 'c', image: 'me/c'}], {parallel: 3})
    const results = await pushFunctions(req)
    assert.deepEqual(results.map((r) => r.outcome), ['pushed', 'failed', 'pushed'])
    assert.match(failureError(results, 'push')!.message, /ERROR - Could not execute command: \[docker push me\/b:latest\]/)
  })

  it('pushes with podman, --tls-verify=false on request', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv({FAAS_PODMAN_TLS_VERIFY: 'false'})
    const {req} = pushReq(cwd, env, [{name: 'a', image: '127.0.0.1:5000/a'}], {engine: 'podman', quiet: true})
    await pushFunctions(req)
    const [call] = readEngineLog(log)
    assert.equal(call.engine, 'podman')
    assert.deepEqual(call.argv, ['push', '127.0.0.1:5000/a:latest', '--quiet', '--tls-verify=false'])
  })
})

function publishReq(cwd: string, env: NodeJS.ProcessEnv, functions: StackFunction[], extra: Partial<PublishRequest> = {}): PublishRequest {
  return {
    cwd, env, functions, tag: 'latest', parallel: 1, engine: 'docker', platforms: 'linux/amd64,linux/arm64', extraTags: ['stable'],
    buildArgs: ['X=1'], buildOptions: [], buildLabels: [], copyExtra: [], templates: folderTemplates(cwd),
    progress: new PlainProgress({stream: new TextSink(), parallel: 1}), ...extra,
  }
}

describe('publish (§4.4)', () => {
  it('creates the buildx node and publishes with buildx', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const results = await publishFunctions(publishReq(cwd, env, [{name: 'web', lang: 'dockerfile', handler: './web', image: 'me/web'}], {resetQemu: true}))
    assert.equal(results[0].outcome, 'built', results[0].error)
    const calls = readEngineLog(log)
    assert.deepEqual(calls[0].argv, ['run', '--rm', '--privileged', 'multiarch/qemu-user-static', '--reset', '-p', 'yes'])
    assert.deepEqual(calls[1].argv, ['buildx', 'create', '--use', '--name=multiarch', '--node=multiarch'])
    assert.equal(calls[1].env.DOCKER_CLI_EXPERIMENTAL, 'enabled')
    assert.deepEqual(calls[2].argv, [
      'buildx', 'build', '--progress=plain', '--platform=linux/amd64,linux/arm64', '--output=type=registry,push=true',
      '--build-arg', 'X=1', '--build-arg', 'ADDITIONAL_PACKAGE=', '--tag', 'me/web:latest', '.', '--tag', 'me/web:stable',
    ])
    assert.equal(calls[2].cwd, path.join(cwd, 'build/web'))
    assert.equal(calls[2].env.DOCKER_BUILDKIT, null)
  })

  it('says how to install buildx when the plugin is missing', async () => {
    const cwd = makeProject()
    const {env} = fakeEngineEnv({FAKE_ENGINE_NO_BUILDX: '1'})
    await assert.rejects(
      publishFunctions(publishReq(cwd, env, [{name: 'web', lang: 'dockerfile', handler: './web', image: 'me/web'}])),
      (e: unknown) => isFaasError(e) && /docker buildx is not available/.test((e as Error).message) && /apt-get install docker-buildx/.test((e as {hint?: string}).hint ?? ''),
    )
  })

  it('publishes with podman through a manifest list', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const results = await publishFunctions(publishReq(cwd, env, [{name: 'web', lang: 'dockerfile', handler: './web', image: 'me/web'}], {engine: 'podman'}))
    assert.equal(results[0].outcome, 'built', results[0].error)
    const calls = readEngineLog(log).map((c) => c.argv.slice(0, 3).join(' '))
    assert.deepEqual(calls, ['manifest rm me/web:latest', 'build --platform=linux/amd64,linux/arm64 --manifest', 'manifest push --all', 'manifest push --all'])
  })
})

describe('engine selection', () => {
  const onlyFake = (extra: NodeJS.ProcessEnv = {}) => ({PATH: fakeEngineDir, ...extra})

  it('prefers --builder, then --engine, then OPENFAAS_CONTAINER_ENGINE, then what is installed', async () => {
    assert.equal(await resolveBuilder({builder: 'host', engine: 'docker', env: onlyFake(), allowHost: true}), 'host')
    assert.equal(await resolveBuilder({engine: 'podman', env: onlyFake()}), 'podman')
    assert.equal(await resolveBuilder({env: onlyFake({OPENFAAS_CONTAINER_ENGINE: 'podman'})}), 'podman')
    assert.equal(await resolveBuilder({env: onlyFake()}), 'docker')
  })

  it('falls back to the host builder when no engine is installed, or explains how to install one', async () => {
    const empty = {PATH: tmp()}
    assert.equal(await resolveBuilder({env: empty, allowHost: true}), 'host')
    await assert.rejects(resolveBuilder({env: empty, allowHost: false}), (e: unknown) => isFaasError(e) && /no container engine found/.test((e as Error).message) && /apt-get install/.test((e as {hint?: string}).hint ?? ''))
    await assert.rejects(requireEngine('podman', empty), (e: unknown) => isFaasError(e) && /podman is not installed/.test((e as Error).message) && /apt-get install podman/.test((e as {hint?: string}).hint ?? ''))
    await assert.rejects(resolveBuilder({engine: 'nerdctl', env: empty}), /--engine must be docker, podman or host/)
  })

  it('turns a vanished engine into an install hint', async () => {
    await assert.rejects(runEngine('podman', ['version'], {cwd: tmp(), baseEnv: {PATH: tmp()}}), /podman is not installed/)
  })
})
