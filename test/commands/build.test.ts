/**
 * The build pipeline commands end to end: the built CLI in a separate process, a fake engine on
 * PATH recording argv, a loopback gateway for up.
 */
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {fakeEngineEnv, makeStackProject, PROJECT_STACK, readEngineLog, tmp, writeTree} from '../build/helpers.js'
import {runCli} from '../helpers/cli.js'
import {startTestGateway, type TestGateway} from '../helpers/gateway.js'

const STACK = PROJECT_STACK
const project = makeStackProject

describe('faas build', () => {
  it('builds every function, then says "up to date" without running the engine', async () => {
    const cwd = project()
    const {env, log} = fakeEngineEnv()
    const first = await runCli(['build'], {cwd, env})
    assert.equal(first.code, 0, first.stderr)
    assert.deepEqual(readEngineLog(log).map((c) => c.argv.join(' ')), [
      'build --build-arg ADDITIONAL_PACKAGE= --tag ghcr.io/acme/hello:latest .',
      'build --build-arg ADDITIONAL_PACKAGE= --tag acme/web:0.2.0 .',
    ])
    assert.match(first.stderr, /\[0\] > Building hello\./)
    assert.match(first.stderr, /Total build time: \d+\.\d\ds/)
    // faas-cli's line for each image built, on stdout (as faas-cli prints it); progress goes to stderr
    assert.equal(first.stdout, 'Image: ghcr.io/acme/hello:latest built.\nImage: acme/web:0.2.0 built.\n')
    assert.doesNotMatch(first.stderr, /Image: .* built\./)
    assert.ok(existsSync(path.join(cwd, 'build/hello/function/handler.js')))

    const second = await runCli(['build'], {cwd, env})
    assert.equal(second.code, 0, second.stderr)
    assert.equal(readEngineLog(log).length, 2, 'no build started')
    assert.equal(second.stdout, 'Image: ghcr.io/acme/hello:latest built. (up to date)\nImage: acme/web:0.2.0 built. (up to date)\n')
    assert.match(second.stderr, /\[0\] < Building hello: up to date\./)

    const forced = await runCli(['build', '--force', '--filter', 'web'], {cwd, env})
    assert.equal(forced.code, 0, forced.stderr)
    assert.equal(readEngineLog(log).length, 3)
  })

  it('builds with podman from OPENFAAS_CONTAINER_ENGINE', async () => {
    const cwd = project()
    const {env, log} = fakeEngineEnv({OPENFAAS_CONTAINER_ENGINE: 'podman'})
    const r = await runCli(['build', '--filter', 'web'], {cwd, env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(readEngineLog(log).map((c) => c.engine), ['podman'])
  })

  it('fails with exit 1 and lists every failed function', async () => {
    const cwd = project()
    const {env} = fakeEngineEnv({FAKE_ENGINE_FAIL: 'build'})
    const r = await runCli(['build', '--parallel', '2'], {cwd, env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /Errors received during build:\n- \[(hello|web)\] received non-zero exit code from build, error: fake-docker: build failed\n- \[(hello|web)\]/)
  })

  it('fixes §10: --tag sha outside a git repository is an error, not a broken tag', async () => {
    const cwd = project()
    const {env, log} = fakeEngineEnv()
    const r = await runCli(['build', '--tag', 'sha'], {cwd, env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /--tag sha needs a git repository/)
    assert.equal(readEngineLog(log).length, 0)
  })

  it('fixes §10: a malformed --build-arg is an error', async () => {
    const cwd = project()
    const {env, log} = fakeEngineEnv()
    const r = await runCli(['build', '-b', 'GOOD=1', '-b', 'BROKEN'], {cwd, env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /Invalid --build-arg value "BROKEN"/)
    assert.equal(readEngineLog(log).length, 0)
  })

  it('rejects --parallel 0 and an unknown --tag', async () => {
    const cwd = project()
    const {env} = fakeEngineEnv()
    assert.match((await runCli(['build', '--parallel', '0'], {cwd, env})).stderr, /--parallel flag must be greater than 0/)
    assert.match((await runCli(['build', '--tag', 'v1'], {cwd, env})).stderr, /unknown image tag format: 'v1'/)
  })

  it('explains how to install a missing engine', async () => {
    const cwd = project()
    const {env} = fakeEngineEnv({PATH: tmp('faas-nopath-')})
    const r = await runCli(['build', '--engine', 'podman'], {cwd, env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /podman is not installed/)
    assert.match(r.stderr, /apt-get install podman/)
  })
})

describe('faas push / publish', () => {
  it('push refuses images without a registry prefix', async () => {
    const cwd = project(STACK.replace('acme/web:0.2.0', 'web:0.2.0'))
    const {env, log} = fakeEngineEnv()
    const r = await runCli(['push'], {cwd, env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /You must provide a username or registry prefix/)
    assert.equal(readEngineLog(log).length, 0)
  })

  it('push --parallel pushes every image', async () => {
    const cwd = project()
    const {env, log} = fakeEngineEnv()
    const r = await runCli(['push', '--parallel', '2'], {cwd, env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(readEngineLog(log).map((c) => c.argv.join(' ')).sort(), ['push acme/web:0.2.0', 'push ghcr.io/acme/hello:latest'])
  })

  it('publish needs a stack file', async () => {
    const {env} = fakeEngineEnv()
    const r = await runCli(['publish'], {cwd: tmp(), env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /--yaml or -f is required/)
  })
})

describe('faas up', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway()
  })
  after(async () => {
    await gw.close()
  })

  it('builds, pushes and deploys; --skip-push skips the push', async () => {
    const cwd = project()
    const {env, log} = fakeEngineEnv()
    const r = await runCli(['up', '-g', gw.url], {cwd, env})
    assert.equal(r.code, 0, r.stderr)
    const argv = readEngineLog(log).map((c) => c.argv[0])
    assert.deepEqual(argv, ['build', 'build', 'push', 'push'])
    assert.equal(gw.getFunction('hello')?.image, 'ghcr.io/acme/hello:latest')
    assert.equal(gw.getFunction('web')?.image, 'acme/web:0.2.0')
    assert.match(r.stdout, /Deployed\. 20\d/)

    gw.clearRequests()
    const again = await runCli(['up', '-g', gw.url, '--skip-push'], {cwd, env})
    assert.equal(again.code, 0, again.stderr)
    assert.equal(readEngineLog(log).length, 4, 'second up: nothing rebuilt, nothing pushed')
    assert.match(again.stderr, /up to date/)
    assert.ok(gw.systemRequests().some((q) => q.method === 'PUT' || q.method === 'POST'), 'still deployed')
  })

  it('rejects --platforms without --publish', async () => {
    const cwd = project()
    const {env} = fakeEngineEnv()
    const r = await runCli(['up', '--platforms', 'linux/arm64', '-g', gw.url], {cwd, env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /--platforms can only be used with the --publish flag/)
  })
})

describe('faas generate / registry-login / local-run', () => {
  it('generate prints Function resources on stdout', async () => {
    const cwd = project()
    const r = await runCli(['generate', '-n', 'fns'], {cwd, env: fakeEngineEnv().env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^---\napiVersion: openfaas.com\/v1\nkind: Function\nmetadata:\n {2}name: hello\n {2}namespace: fns\nspec:\n {2}name: hello\n {2}image: ghcr.io\/acme\/hello:latest\n/)
    const none = await runCli(['generate'], {cwd: tmp(), env: fakeEngineEnv().env})
    assert.equal(none.code, 1)
    assert.match(none.stderr, /No "stack.yaml" or "stack.yml" file was found/)
  })

  it('generate --from-store uses the shipped function store, ignoring OPENFAAS_STORE like faas-cli', async () => {
    const r = await runCli(['generate', '--from-store', 'figlet', '--label', 'team=x'], {cwd: tmp(), env: fakeEngineEnv({OPENFAAS_STORE: 'http://127.0.0.1:1/nope.json'}).env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /kind: Function\nmetadata:\n {2}name: figlet\n {2}namespace: openfaas-fn\nspec:\n {2}name: figlet\n {2}image: ghcr.io\/openfaas\/figlet:latest\n {2}environment:\n {4}fprocess: figlet\n {2}labels:\n {4}team: x\n/)
    assert.match(r.stdout, /readOnlyRootFilesystem: true/)
    const digest = await runCli(['generate', '--from-store', 'figlet', '--tag', 'digest'], {cwd: tmp(), env: fakeEngineEnv().env})
    assert.equal(digest.code, 1)
    assert.match(digest.stderr, /--tag digest cannot be used with --from-store/)
  })

  it('registry-login writes the credentials file', async () => {
    const cwd = tmp()
    const r = await runCli(['registry-login', '-u', 'alice', '--password-stdin', '--server', 'ghcr.io'], {cwd, env: fakeEngineEnv().env, input: 's3cret\n'})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(readFileSync(path.join(cwd, 'credentials/config.json'), 'utf8')), {auths: {'ghcr.io': {auth: 'YWxpY2U6czNjcmV0'}}})
  })

  it('local-run --print builds first, removes the old container, then prints faas-cli\'s run command (fprocess from the template, provider variables win)', async () => {
    const cwd = project()
    writeTree(cwd, {'.secrets/token': 't'})
    const stack = STACK.replace('    image: ghcr.io/acme/hello\n', '    image: ghcr.io/acme/hello\n    environment:\n      MODE: dev\n      OPENFAAS_NAME: not-the-name\n    secrets: [token]\n    limits:\n      memory: 128Mi\n')
    writeTree(cwd, {'stack.yaml': stack})
    const {env, log} = fakeEngineEnv()
    const r = await runCli(['local-run', 'hello', '--print', '-p', '9090', '-e', 'EXTRA=1', '-e', 'jwt_auth_local=false'], {cwd, env})
    assert.equal(r.code, 0, r.stderr)
    // faas-cli: build (unless --build=false), `docker rm -f NAME`, then print
    assert.deepEqual(readEngineLog(log).map((c) => c.argv.join(' ')), ['build --build-arg ADDITIONAL_PACKAGE= --tag ghcr.io/acme/hello:latest .', 'rm -f hello'])
    // faas-cli's order: stack environment, environment_file, --env, then OPENFAAS_NAME, OPENFAAS_NAMESPACE and
    // jwt_auth_local (which override the same keys given earlier); flags; fprocess from the template last
    assert.equal(r.stdout.trim(), `docker run --name hello --rm -i -p=9090:8080 -e=MODE=dev -e=EXTRA=1 -e=OPENFAAS_NAME=hello -e=OPENFAAS_NAMESPACE=openfaas-fn -e=jwt_auth_local=true --memory-reservation=134217728 --volume=${path.join(cwd, '.secrets')}:/var/openfaas/secrets '-e=fprocess=node index.js' ghcr.io/acme/hello:latest`)
  })

  it('local-run --print --build=false only removes the old container; a Dockerfile function gets no fprocess', async () => {
    const cwd = project()
    const {env, log} = fakeEngineEnv()
    const r = await runCli(['local-run', 'web', '--print', '--build=false'], {cwd, env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(readEngineLog(log).map((c) => c.argv.join(' ')), ['rm -f web'])
    assert.equal(r.stdout.trim(), 'docker run --name web --rm -i -p=8080:8080 -e=OPENFAAS_NAME=web -e=OPENFAAS_NAMESPACE=openfaas-fn -e=jwt_auth_local=true acme/web:0.2.0')
  })

  it('local-run builds, then runs the container until it exits', async () => {
    const cwd = project()
    const {env, log} = fakeEngineEnv()
    const r = await runCli(['local-run', 'web'], {cwd, env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(readEngineLog(log).map((c) => c.argv[0]), ['build', 'rm', 'run', 'rm'])
    assert.match(r.stdout, /fake-docker: running/)
    assert.match(r.stderr, /Give a function name to run|Starting web/)
  })
})
