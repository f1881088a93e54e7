import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {upCommand, type UpFlagInput} from '../../src/build/commands.js'
import type {Stack, StackFunction} from '../../src/stack/types.js'
import {fakeEngineEnv, folderTemplates, makeProject, readEngineLog, TextSink} from './helpers.js'

const flags: UpFlagInput = {
  image: '', handler: '', name: '', lang: '', 'no-cache': false, squash: false, parallel: 1, shrinkwrap: false,
  'build-arg': [], 'build-option': [], 'build-label': [], 'copy-extra': [], quiet: true, 'disable-stack-pull': false,
  pull: false, debug: false, overwrite: true, tag: 'latest', publish: false, platforms: 'linux/amd64',
  'skip-push': false, 'skip-deploy': false, watch: false,
}

function stackOf(cwd: string): Stack {
  return {
    provider: {name: 'openfaas'},
    source: path.join(cwd, 'stack.yaml'),
    functions: [
      {name: 'hello', lang: 'node-test', handler: './hello', image: 'ghcr.io/acme/hello'},
      {name: 'web', lang: 'dockerfile', handler: './web', image: 'acme/web:0.2.0'},
    ],
  }
}

describe('up', () => {
  it('builds, pushes, deploys; --skip-push and --skip-deploy skip their stage', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const deployed: string[][] = []
    const wiring = {deploy: async (_s: Stack, fns: readonly StackFunction[]) => { deployed.push(fns.map((f) => f.name)) }, reloadStack: async () => stackOf(cwd)}
    const ctx = {cwd, env, stream: new TextSink(), templates: folderTemplates(cwd)}
    await upCommand(ctx, stackOf(cwd), flags, wiring)
    assert.deepEqual(readEngineLog(log).map((c) => c.argv[0]), ['build', 'build', 'push', 'push'])
    assert.deepEqual(deployed, [['hello', 'web']])
    await upCommand(ctx, stackOf(cwd), {...flags, 'skip-push': true, 'skip-deploy': true}, wiring)
    assert.equal(readEngineLog(log).length, 4, 'unchanged: no build, and no push')
    assert.equal(deployed.length, 1)
  })

  it('stops before deploying when the build fails', async () => {
    const cwd = makeProject()
    const {env} = fakeEngineEnv({FAKE_ENGINE_FAIL: 'build'})
    let deployedCalls = 0
    await assert.rejects(
      upCommand({cwd, env, stream: new TextSink(), templates: folderTemplates(cwd)}, stackOf(cwd), flags, {deploy: async () => { deployedCalls++ }, reloadStack: async () => undefined}),
      /Errors received during build/,
    )
    assert.equal(deployedCalls, 0)
  })

  it('--watch rebuilds and redeploys only the function whose folder changed (no .gitignore needed)', async () => {
    const cwd = makeProject()
    const {env, log} = fakeEngineEnv()
    const deployed: string[][] = []
    const abort = new AbortController()
    let ready!: () => void
    const readyP = new Promise<void>((r) => { ready = r })
    const done = upCommand({cwd, env, stream: new TextSink(), templates: folderTemplates(cwd)}, stackOf(cwd), {...flags, 'skip-push': true, watch: true}, {
      deploy: async (_s, fns) => {
        deployed.push(fns.map((f) => f.name))
        if (deployed.length === 2) abort.abort()
      },
      reloadStack: async () => stackOf(cwd),
      stackFile: path.join(cwd, 'stack.yaml'),
      signal: abort.signal,
      debounceMs: 100,
      onWatchReady: ready,
    })
    await readyP
    writeFileSync(path.join(cwd, 'web/app.sh'), '#!/bin/sh\necho v2\n')
    await done
    assert.deepEqual(deployed, [['hello', 'web'], ['web']])
    const builds = readEngineLog(log).filter((c) => c.argv[0] === 'build').map((c) => c.argv.at(-2))
    assert.deepEqual(builds, ['ghcr.io/acme/hello:latest', 'acme/web:0.2.0', 'acme/web:0.2.0'])
  })
})
