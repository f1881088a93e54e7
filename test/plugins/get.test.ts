/**
 * plugin get against a real registry (Debian's docker-registry on loopback; the test fails, never
 * skips, without it): images and an image index with two platforms are pushed with plain HTTP
 * calls, then pulled by the CLI. A loopback proxy in front of the registry plays a registry that
 * wants an anonymous token, or one that sends other bytes than its digests say.
 */
import assert from 'node:assert/strict'
import {existsSync, lstatSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {cleanEnv, runCli, tempDir} from '../helpers/cli.js'
import {pushImage, pushIndex, startProxy, startRegistry, type Registry, type TarEntry} from '../helpers/registry.js'

const script = (text: string) => `#!/bin/sh\necho "${text}: $*"\n`
const umask = process.umask()

describe('plugin get (real registry)', () => {
  let registry: Registry

  before(async () => {
    registry = await startRegistry()
    // hello:latest is an index of linux/amd64 and linux/arm64; both images carry a README in a folder
    const amd64 = await pushImage(registry, 'faas/hello', 'amd64', [[
      {name: 'usr/', type: '5'},
      {name: 'hello', mode: 0o755, data: script('amd64 plugin')},
      {name: 'usr/share/README.md', data: 'docs\n'},
      {name: 'link', type: '2', linkname: '/etc/passwd'},
    ]])
    const arm64 = await pushImage(registry, 'faas/hello', 'arm64', [[{name: 'hello', mode: 0o755, data: script('arm64 plugin')}]], {architecture: 'arm64'})
    await pushIndex(registry, 'faas/hello', 'latest', [{image: amd64, os: 'linux', architecture: 'amd64'}, {image: arm64, os: 'linux', architecture: 'arm64'}])
    await pushIndex(registry, 'faas/hello', '0.2.0', [{image: arm64, os: 'linux', architecture: 'arm64'}])
  })
  after(() => registry?.stop())

  it('"plugin" alone prints faas-cli\'s line', async () => {
    const r = await runCli(['plugin'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'Run plugin get --help\n')
  })

  it('picks the manifest for --os/--arch from the index and writes the plugin into --path', async () => {
    const dir = path.join(tempDir(), 'plugins')
    const r = await runCli(['plugin', 'get', 'hello', '--registry', `${registry.host}/faas`, '--os', 'Linux', '--arch', 'x86_64', '--path', dir])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, 'Fetching plugin: hello\n')
    assert.match(r.stdout, new RegExp(`^Wrote: ${dir}/hello \\(Linux/x86_64\\) in \\((<1ms|[\\d.]+(ms|s))\\)\n$`))
    assert.equal(readFileSync(path.join(dir, 'hello'), 'utf8'), script('amd64 plugin'))
    assert.equal(statSync(path.join(dir, 'hello')).mode & 0o777, 0o755 & ~umask)
    // regular files land flat under their base name (as faas-cli's untar does); links and folders are skipped
    assert.deepEqual(readdirSync(dir).sort(), ['README.md', 'hello'])
    assert.equal(statSync(path.join(dir, 'README.md')).mode & 0o777, 0o644 & ~umask)

    const arm = await runCli(['plugin', 'get', 'hello', '--registry', `${registry.host}/faas`, '--arch', 'aarch64', '--os', 'linux', '--path', dir, '-v'])
    assert.equal(arm.code, 0, arm.stderr)
    assert.equal(readFileSync(path.join(dir, 'hello'), 'utf8'), script('arm64 plugin'))
    assert.match(arm.stderr, new RegExp(`^Fetching plugin: hello ${registry.host}/faas/hello:latest for: linux/aarch64\n`))
    assert.match(arm.stderr, /\(sha256:[0-9a-f]{64}, linux\/arm64\): 1 layer\(s\), \d+ bytes, all digests verified/)
    assert.match(arm.stderr, new RegExp(`Writing "${dir}/hello"`))
  })

  it('installs into $HOME/.openfaas/plugins by default, and "faas NAME" then runs it', async () => {
    const env = cleanEnv()
    const r = await runCli(['plugin', 'get', 'hello', '--registry', `${registry.host}/faas`, '--arch', 'amd64', '--os', 'linux'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^Downloaded in \((<1ms|[\d.]+(ms|s))\)\n\nUsage:\n {2}faas-cli hello\n$/)
    assert.ok(existsSync(path.join(env.HOME!, '.openfaas', 'plugins', 'hello')))
    const run = await runCli(['hello', 'a', 'b'], {env})
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stdout, 'amd64 plugin: a b\n')
  })

  it('takes --version (a tag or a digest), and says which platforms there are when none matches', async () => {
    const dir = tempDir()
    const byTag = await runCli(['plugin', 'get', 'hello', '--registry', `${registry.host}/faas`, '--version', '0.2.0', '--os', 'linux', '--arch', 'arm64', '--path', dir])
    assert.equal(byTag.code, 0, byTag.stderr)
    const none = await runCli(['plugin', 'get', 'hello', '--registry', `${registry.host}/faas`, '--version', '0.2.0', '--os', 'linux', '--arch', 'amd64', '--path', dir])
    assert.equal(none.code, 1)
    assert.match(none.stderr, new RegExp(`Error: no plugin for linux/amd64 in ${registry.host}/faas/hello:0.2.0\nHint: It has: linux/arm64; pass --os and --arch`))
    const missing = await runCli(['plugin', 'get', 'nope', '--registry', `${registry.host}/faas`, '--path', dir])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /plugin not found: .*\/faas\/nope:latest/)
    const digest = await fetch(`${registry.url}/v2/faas/hello/manifests/arm64`, {headers: {accept: 'application/vnd.oci.image.manifest.v1+json'}})
    const byDigest = await runCli(['plugin', 'get', 'hello', '--registry', `${registry.host}/faas`, '--version', digest.headers.get('docker-content-digest')!, '--path', dir])
    assert.equal(byDigest.code, 0, byDigest.stderr)
    assert.equal(readFileSync(path.join(dir, 'hello'), 'utf8'), script('arm64 plugin'))
  })

  it('flattens layers: upper files win, whiteouts hide lower ones, an uncompressed layer works too', async () => {
    await pushImage(registry, 'faas/layered', 'latest', [
      [{name: 'layered', mode: 0o755, data: 'v1'}, {name: 'extra', data: 'gone'}, {name: 'opt/tool/old', data: 'hidden'}],
      [{name: '.wh.extra'}, {name: 'layered', mode: 0o700, data: 'v2'}, {name: 'opt/tool/.wh..wh..opq'}, {name: 'opt/tool/new', data: 'new'}],
    ], {gzip: false})
    const dir = tempDir()
    const r = await runCli(['plugin', 'get', 'layered', '--registry', `${registry.host}/faas`, '--path', dir, '--os', 'linux', '--arch', 'amd64'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(readdirSync(dir).sort(), ['layered', 'new'])
    assert.equal(readFileSync(path.join(dir, 'layered'), 'utf8'), 'v2')
    assert.equal(statSync(path.join(dir, 'layered')).mode & 0o777, 0o700 & ~umask)
  })

  it('rejects hostile archives and installs nothing; never writes through a link at the target', async () => {
    const hostile: Array<[string, TarEntry[], RegExp]> = [
      ['dotdot', [{name: 'ok', data: 'x'}, {name: '../escape', data: 'x'}], /tar contained invalid name "\.\.\/escape"/],
      ['absolute', [{name: '/etc/cron.d/x', data: 'x'}], /tar contained invalid name "\/etc\/cron\.d\/x"/],
      ['backslash', [{name: 'a\\..\\b', data: 'x'}], /tar contained invalid name/],
      ['nofiles', [{name: 'dir/', type: '5'}, {name: 'l', type: '2', linkname: '/bin/sh'}], /holds no files/],
    ]
    for (const [name, entries, message] of hostile) {
      await pushImage(registry, `faas/${name}`, 'latest', [entries])
      const parent = tempDir()
      const dir = path.join(parent, 'plugins')
      const r = await runCli(['plugin', 'get', name, '--registry', `${registry.host}/faas`, '--path', dir, '--os', 'linux', '--arch', 'amd64'])
      assert.equal(r.code, 1, name)
      assert.match(r.stderr, message, name)
      assert.deepEqual(readdirSync(dir), [], `${name}: nothing installed, no staging left`)
      assert.deepEqual(readdirSync(parent), ['plugins'], `${name}: nothing written beside`)
    }
    // a symlink where the plugin goes is replaced, not followed
    const dir = tempDir()
    const victim = path.join(tempDir(), 'victim')
    writeFileSync(victim, 'untouched')
    symlinkSync(victim, path.join(dir, 'hello'))
    const r = await runCli(['plugin', 'get', 'hello', '--registry', `${registry.host}/faas`, '--path', dir, '--os', 'linux', '--arch', 'amd64'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(readFileSync(victim, 'utf8'), 'untouched')
    assert.equal(lstatSync(path.join(dir, 'hello')).isSymbolicLink(), false)
  })

  it('fetches an anonymous bearer token when the registry asks for one', async () => {
    const proxy = await startProxy(registry, {requireToken: true})
    try {
      const dir = tempDir()
      const r = await runCli(['plugin', 'get', 'hello', '--registry', `${proxy.host}/faas`, '--path', dir, '--os', 'linux', '--arch', 'arm64'])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(readFileSync(path.join(dir, 'hello'), 'utf8'), script('arm64 plugin'))
      const token = proxy.requests.find((q) => q.url.startsWith('/token'))
      assert.ok(token, 'asked the token service')
      assert.match(token.url, /service=test-registry/)
      assert.match(token.url, /scope=repository%3Aany%3Apull/)
      assert.equal(token.authorization, undefined, 'anonymous: no credentials sent')
      assert.equal(proxy.requests.at(-1)!.authorization, 'Bearer test-pull-token')
    } finally {
      await proxy.close()
    }
  })

  it('refuses bytes that do not match their digests, or a manifest over the size cap, and installs nothing', async () => {
    const cases: Array<[Parameters<typeof startProxy>[1], RegExp]> = [
      [{corruptBlobs: true}, /layer sha256:[0-9a-f]{64} does not match its digest/],
      [{corruptManifests: true}, /the manifest of faas\/hello does not match its digest/],
      [{hugeManifestBytes: 5 * 1024 * 1024}, /the manifest of .* is larger than 4194304 bytes/],
    ]
    for (const [options, message] of cases) {
      const proxy = await startProxy(registry, options)
      try {
        const dir = tempDir()
        writeFileSync(path.join(dir, 'hello'), 'previous version')
        const r = await runCli(['plugin', 'get', 'hello', '--registry', `${proxy.host}/faas`, '--path', dir, '--os', 'linux', '--arch', 'amd64'])
        assert.equal(r.code, 1, JSON.stringify(options))
        assert.match(r.stderr, message, JSON.stringify(options))
        assert.deepEqual(readdirSync(dir), ['hello'])
        assert.equal(readFileSync(path.join(dir, 'hello'), 'utf8'), 'previous version')
      } finally {
        await proxy.close()
      }
    }
  })

  it('fails clearly without a name, with a bad version or an unreachable registry', async () => {
    const noName = await runCli(['plugin', 'get'])
    assert.equal(noName.code, 1)
    assert.match(noName.stderr, /Error: please provide the name of the plugin/)
    const noVersion = await runCli(['plugin', 'get', 'hello', '--version', ''])
    assert.match(noVersion.stderr, /please provide the version of the plugin or "latest"/)
    const badName = await runCli(['plugin', 'get', 'Bad/../Name', '--registry', registry.host])
    assert.match(badName.stderr, /invalid plugin reference/)
    const down = await runCli(['plugin', 'get', 'hello', '--registry', '127.0.0.1:9/faas', '--path', tempDir()])
    assert.equal(down.code, 1)
    assert.match(down.stderr, /cannot reach the registry 127\.0\.0\.1:9/)
  })
})
