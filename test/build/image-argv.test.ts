import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {
  buildArgv, buildEnv, buildxPublishArgv, podmanPublishArgvs, pushArgv, runArgv, shellLine,
} from '../../src/build/argv.js'
import {hasRegistryPrefix, imageReference, parseTagFormat, retagImage, withLatestTag} from '../../src/build/image.js'
import {additionalPackages, finalBuildArgs} from '../../src/build/options.js'
import {isFaasError} from '../../src/errors.js'

describe('image names (§4.1)', () => {
  it('adds :latest only when the last segment has no tag', () => {
    assert.equal(withLatestTag('hello'), 'hello:latest')
    assert.equal(withLatestTag('me/hello:0.1'), 'me/hello:0.1')
    assert.equal(withLatestTag('localhost:5000/hello'), 'localhost:5000/hello:latest')
    assert.equal(withLatestTag('localhost:5000/me/hello:v2'), 'localhost:5000/me/hello:v2')
  })

  it('parses --tag case-insensitively and rejects unknown formats', () => {
    assert.equal(parseTagFormat('LATEST'), 'latest')
    assert.equal(parseTagFormat(''), 'latest')
    assert.equal(parseTagFormat('default'), 'latest')
    assert.equal(parseTagFormat('Sha'), 'sha')
    assert.throws(() => parseTagFormat('nope'), (e: unknown) => isFaasError(e) && /unknown image tag format: 'nope'/.test((e as Error).message))
  })

  it('forms the tags of every format like faas-cli', () => {
    assert.equal(imageReference('hello', 'sha', {sha: 'fb37140'}), 'hello:latest-fb37140')
    assert.equal(imageReference('hello', 'branch', {sha: 'fb37140', branch: 'master'}), 'hello:latest-master-fb37140')
    assert.equal(imageReference('hello', 'describe', {describe: 'v0.1.0'}), 'hello:latest-v0.1.0')
    assert.equal(imageReference('hello:1.0', 'digest', {handlerDigest: '215679b24ae22b9a5f9d07d303d59988'}), 'hello:215679b24ae22b9a5f9d07d303d59988')
    assert.equal(imageReference('localhost:5000/hello', 'digest', {handlerDigest: 'abc'}), 'localhost:5000/hello:abc')
  })

  it('retags for --extra-tag and checks registry prefixes', () => {
    assert.equal(retagImage('myuser/hello2:latest-fb37140', 'stable'), 'myuser/hello2:stable')
    assert.equal(retagImage('localhost:5000/x', 'v1'), 'localhost:5000/x:v1')
    assert.equal(hasRegistryPrefix('hello:latest'), false)
    assert.equal(hasRegistryPrefix('me/hello'), true)
  })
})

describe('ADDITIONAL_PACKAGE (§3)', () => {
  const options = [{name: 'dev', packages: ['make', 'gcc']}, {name: 'tools', packages: ['curl', 'gcc']}]

  it('merges option packages with the build arg, de-duplicated and sorted', () => {
    assert.equal(additionalPackages('opts', ['tools', 'dev'], options, 'jq zip'), 'curl gcc jq make zip')
    assert.equal(additionalPackages('opts', [], options, undefined), '')
  })

  it('rejects an option the template does not have', () => {
    assert.throws(() => additionalPackages('opts', ['nope'], options, ''), /build option unavailable for opts/)
  })

  it('puts ADDITIONAL_PACKAGE last and once', () => {
    assert.deepEqual(finalBuildArgs({FOO: 'bar', ADDITIONAL_PACKAGE: 'x', B: '2'}, 'curl'), [['FOO', 'bar'], ['B', '2'], ['ADDITIONAL_PACKAGE', 'curl']])
  })
})

describe('engine argv (§4.2–§4.5)', () => {
  it('builds the observed docker build argv', () => {
    const argv = buildArgv({
      engine: 'docker', image: 'myuser/hello2:latest', noCache: true, squash: true, pull: true,
      buildArgs: [['FOO', 'bar'], ['ADDITIONAL_PACKAGE', 'curl']], labels: [['a', 'b']],
    })
    assert.equal(argv.join(' '), 'build --no-cache --squash --build-arg FOO=bar --build-arg ADDITIONAL_PACKAGE=curl --label a=b --pull --tag myuser/hello2:latest .')
  })

  it('forwards proxies and puts secrets after the context', () => {
    const argv = buildArgv({
      engine: 'docker', image: 'i:1', httpProxy: 'http://p:3128', httpsProxy: 'http://s:3128',
      buildArgs: [['ADDITIONAL_PACKAGE', '']], labels: [], secrets: [['token', '/abs/token.txt']],
    })
    assert.deepEqual(argv, ['build', '--build-arg', 'http_proxy=http://p:3128', '--build-arg', 'https_proxy=http://s:3128', '--build-arg', 'ADDITIONAL_PACKAGE=', '--tag', 'i:1', '.', '--secret', 'id=token,src=/abs/token.txt'])
  })

  it('adds --isolation for podman only', () => {
    const spec = {image: 'i:1', buildArgs: [] as Array<[string, string]>, labels: [] as Array<[string, string]>, isolation: 'chroot'}
    assert.deepEqual(buildArgv({...spec, engine: 'podman'}).slice(0, 2), ['build', '--isolation=chroot'])
    assert.ok(!buildArgv({...spec, engine: 'docker'}).some((a) => a.startsWith('--isolation')))
  })

  it('switches BuildKit on for ssh mounts and secrets (docker)', () => {
    assert.deepEqual(buildEnv('docker', {mountSsh: true}), {DOCKER_BUILDKIT: '1'})
    assert.deepEqual(buildEnv('docker', {hasSecrets: true}), {DOCKER_BUILDKIT: '1'})
    assert.deepEqual(buildEnv('docker', {}), {})
    assert.deepEqual(buildEnv('podman', {hasSecrets: true}), {})
  })

  it('pushes with --quiet and podman tls opt-out', () => {
    assert.deepEqual(pushArgv('docker', 'me/x:latest'), ['push', 'me/x:latest'])
    assert.deepEqual(pushArgv('docker', 'me/x:latest', {quiet: true}), ['push', 'me/x:latest', '--quiet'])
    assert.deepEqual(pushArgv('podman', 'me/x:latest', {tlsVerify: false}), ['push', 'me/x:latest', '--tls-verify=false'])
    assert.deepEqual(pushArgv('docker', 'me/x:latest', {tlsVerify: false}), ['push', 'me/x:latest'])
  })

  it('builds the observed buildx publish argv', () => {
    const argv = buildxPublishArgv({
      image: 'myuser/hello2:latest-fb37140', platforms: 'linux/amd64,linux/arm64',
      buildArgs: [['X', '1'], ['ADDITIONAL_PACKAGE', '']], labels: [], extraImages: ['myuser/hello2:stable', 'myuser/hello2:v1'],
    })
    assert.equal(argv.join(' '), 'buildx build --progress=plain --platform=linux/amd64,linux/arm64 --output=type=registry,push=true --build-arg X=1 --build-arg ADDITIONAL_PACKAGE= --tag myuser/hello2:latest-fb37140 . --tag myuser/hello2:stable --tag myuser/hello2:v1')
  })

  it('publishes with podman through a manifest list', () => {
    const argvs = podmanPublishArgvs({image: 'r/x:1', platforms: 'linux/amd64,linux/arm64', buildArgs: [['ADDITIONAL_PACKAGE', '']], labels: [], extraImages: ['r/x:stable'], tlsVerify: false})
    assert.deepEqual(argvs[0], ['manifest', 'rm', 'r/x:1'])
    assert.deepEqual(argvs[1], ['build', '--platform=linux/amd64,linux/arm64', '--manifest', 'r/x:1', '--build-arg', 'ADDITIONAL_PACKAGE=', '.'])
    assert.deepEqual(argvs[2], ['manifest', 'push', '--all', '--tls-verify=false', 'r/x:1', 'docker://r/x:1'])
    assert.deepEqual(argvs[3], ['manifest', 'push', '--all', '--tls-verify=false', 'r/x:1', 'docker://r/x:stable'])
  })

  it('runs a function container like faas-cli local-run', () => {
    const argv = runArgv({
      name: 'fn', image: 'me/fn:latest', port: 8081, network: 'net', env: [['A', '1'], ['OPENFAAS_NAME', 'fn']],
      readOnly: true, memoryBytes: 134217728, cpus: '0.5', secretsDir: '/p/.secrets', fprocess: 'cat',
    })
    assert.deepEqual(argv, ['run', '--name', 'fn', '--rm', '-i', '-p=8081:8080', '--network=net', '-e=A=1', '-e=OPENFAAS_NAME=fn', '--read-only', '--memory-reservation=134217728', '--cpus=0.5', '--volume=/p/.secrets:/var/openfaas/secrets', '-e=fprocess=cat', 'me/fn:latest'])
  })

  it('quotes shell lines only where needed', () => {
    assert.equal(shellLine('docker', ['run', '-e=A=b c', 'x:1']), "docker run '-e=A=b c' x:1")
  })
})

describe('engine failure hints', () => {
  it('tells a stopped docker daemon apart from a broken function', async () => {
    const {engineHint} = await import('../../src/build/build.js')
    assert.match(engineHint('docker', 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?') ?? '', /--engine podman or --builder host/)
    assert.match(engineHint('podman', 'Error: cannot set up namespace using "/usr/bin/newuidmap"') ?? '', /BUILDAH_ISOLATION=chroot/)
    assert.equal(engineHint('docker', 'Step 3/7: npm ERR! missing script'), undefined)
  })
})
