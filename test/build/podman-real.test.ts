/**
 * Real-engine suite: `faas build --engine podman` builds a real image and `faas push` sends it
 * to a real registry (Debian's docker-registry) on 127.0.0.1; the registry's catalog, the tag
 * and the image's labels are then read back over the registry API.
 *
 * Needs the Debian packages podman, docker-registry and busybox-static (skips, saying so,
 * without them). Base images cannot be pulled here, so the base is made with `podman import`
 * from a root filesystem holding the static busybox. Podman runs with its own storage in a temp
 * folder (CONTAINERS_STORAGE_CONF, vfs driver) and `BUILDAH_ISOLATION=chroot` (no namespaces
 * needed; faas passes it on as --isolation=chroot); the plain-http registry needs
 * FAAS_PODMAN_TLS_VERIFY=false (faas adds --tls-verify=false to podman push).
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, copyFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {runCli} from '../helpers/cli.js'
import {startRegistry, type Registry} from '../helpers/registry.js'
import {tmp, writeTree} from './helpers.js'

const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p))
const BASE_IMAGE = 'localhost/faas-test-base:latest'

function onPath(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], {stdio: 'ignore'}).status === 0
}

/** True when an ELF file names a program interpreter (PT_INTERP): a dynamically linked binary. */
function hasInterpreter(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) return true
  const is64 = elf[4] === 2
  const le = elf[5] === 1
  const u16 = (o: number) => (le ? elf.readUInt16LE(o) : elf.readUInt16BE(o))
  const u32 = (o: number) => (le ? elf.readUInt32LE(o) : elf.readUInt32BE(o))
  const phoff = is64 ? Number(le ? elf.readBigUInt64LE(0x20) : elf.readBigUInt64BE(0x20)) : u32(0x1c)
  const phentsize = u16(is64 ? 0x36 : 0x2a)
  const phnum = u16(is64 ? 0x38 : 0x2c)
  for (let i = 0; i < phnum; i++) if (u32(phoff + i * phentsize) === 3) return true
  return false
}

/** Why the suite cannot run here, or undefined. */
function missing(): string | undefined {
  const absent = ['podman', 'docker-registry'].filter((p) => !onPath(p))
  if (!BUSYBOX) absent.push('busybox-static')
  else if (hasInterpreter(readFileSync(BUSYBOX))) absent.push('busybox-static (the installed busybox is dynamically linked)')
  return absent.length ? `not installed: ${absent.join(', ')} (apt-get install podman docker-registry busybox-static)` : undefined
}

const reason = missing()

describe('real engine: podman build + push to docker-registry', {skip: reason}, () => {
  let root: string
  let registry: Registry | undefined
  let registryHost: string
  let env: NodeJS.ProcessEnv

  before(async () => {
    root = tmp('faas-podman-')
    // podman storage of our own, so the test neither needs nor touches the machine's
    writeFileSync(path.join(root, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${root}/storage"\nrunroot = "${root}/run"\n`)
    env = {
      PATH: process.env.PATH,
      HOME: path.join(root, 'home'),
      XDG_CACHE_HOME: path.join(root, 'cache'),
      LANG: 'C.UTF-8',
      CONTAINERS_STORAGE_CONF: path.join(root, 'storage.conf'),
      BUILDAH_ISOLATION: 'chroot',
      FAAS_PODMAN_TLS_VERIFY: 'false',
    }
    mkdirSync(env.HOME!, {recursive: true})

    // base image: a root filesystem with the static busybox, imported
    const rootfs = path.join(root, 'rootfs')
    mkdirSync(path.join(rootfs, 'bin'), {recursive: true})
    copyFileSync(BUSYBOX!, path.join(rootfs, 'bin', 'busybox'))
    for (const applet of ['sh', 'echo', 'cat', 'ls']) symlinkSync('busybox', path.join(rootfs, 'bin', applet))
    const tar = spawnSync('sh', ['-c', `tar -C '${rootfs}' -c . | podman import - ${BASE_IMAGE}`], {env, encoding: 'utf8'})
    assert.equal(tar.status, 0, `podman import failed: ${tar.stderr}`)

    // registry on a free loopback port, storage in a temp folder
    registry = await startRegistry()
    registryHost = registry.host
  })

  after(async () => {
    await registry?.stop()
    if (root) rmSync(root, {recursive: true, force: true})
  })

  it('builds with podman, pushes to the registry, and the registry has the image with its labels', {timeout: 120_000}, async () => {
    const cwd = path.join(root, 'project')
    const image = `${registryHost}/faas/busybox-fn`
    writeTree(cwd, {
      'template/busybox-test/template.yml': 'language: busybox-test\nfprocess: cat /home/app/handler.txt\n',
      'template/busybox-test/Dockerfile': `FROM ${BASE_IMAGE}\nARG ADDITIONAL_PACKAGE\nRUN echo "packages: \${ADDITIONAL_PACKAGE}" > /build-info.txt\nCOPY function/ /home/app/\nCMD ["/bin/cat", "/home/app/handler.txt"]\n`,
      'fn/handler.txt': 'hello from a real build\n',
      'stack.yaml': `version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n  busybox-fn:\n    lang: busybox-test\n    handler: ./fn\n    image: ${image}\n    build_args:\n      ADDITIONAL_PACKAGE: curl\n`,
    })

    const build = await runCli(['build', '--engine', 'podman', '--build-label', 'org.opencontainers.image.title=busybox-fn', '--build-label', 'com.openfaas.test=real'], {cwd, env, timeoutMs: 90_000})
    assert.equal(build.code, 0, `faas build failed:\n${build.stdout}\n${build.stderr}`)
    assert.match(build.stderr, /--isolation=chroot/, 'BUILDAH_ISOLATION passed on to podman')
    assert.match(build.stdout, /^Image: 127\.0\.0\.1:\d+\/faas\/busybox-fn:latest built\.$/m)

    const again = await runCli(['build', '--engine', 'podman', '--build-label', 'org.opencontainers.image.title=busybox-fn', '--build-label', 'com.openfaas.test=real'], {cwd, env, timeoutMs: 30_000})
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stderr, /up to date/)

    const push = await runCli(['push', '--engine', 'podman'], {cwd, env, timeoutMs: 60_000})
    assert.equal(push.code, 0, `faas push failed:\n${push.stdout}\n${push.stderr}`)

    const base = `http://${registryHost}/v2`
    const catalog = (await (await fetch(`${base}/_catalog`)).json()) as {repositories: string[]}
    assert.deepEqual(catalog.repositories, ['faas/busybox-fn'])
    const tags = (await (await fetch(`${base}/faas/busybox-fn/tags/list`)).json()) as {tags: string[]}
    assert.deepEqual(tags.tags, ['latest'])

    const manifest = (await (await fetch(`${base}/faas/busybox-fn/manifests/latest`, {
      headers: {accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'},
    })).json()) as {config: {digest: string}; layers: unknown[]}
    assert.ok(manifest.layers.length >= 2, 'base layer plus the build\'s layers')
    const config = (await (await fetch(`${base}/faas/busybox-fn/blobs/${manifest.config.digest}`)).json()) as {config: {Labels?: Record<string, string>; Cmd?: string[]}}
    assert.equal(config.config.Labels?.['org.opencontainers.image.title'], 'busybox-fn')
    assert.equal(config.config.Labels?.['com.openfaas.test'], 'real')
    assert.deepEqual(config.config.Cmd, ['/bin/cat', '/home/app/handler.txt'])
  })
})

if (reason) process.stdout.write(`# podman-real: skipped: ${reason}\n`)
