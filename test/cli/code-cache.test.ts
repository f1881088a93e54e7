/**
 * The bundle loader's code cache (src/cli/bundle-loader.ts): real runs of bin/run.js with their
 * own XDG_CACHE_HOME, checked at the file system (what is written, when, with which modes) and
 * by output (a bad or foreign cache never changes what a command does).
 */
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'

import {codeCacheDir} from '../../src/cli/bundle-loader.js'
import {binPath, cleanEnv, deadGatewayUrl, tempDir} from '../helpers/cli.js'

interface Run {
  code: number
  stdout: string
  stderr: string
}

function faas(args: string[], env: NodeJS.ProcessEnv): Run {
  const r = spawnSync(process.execPath, [binPath, ...args], {cwd: tempDir(), env: cleanEnv(env), encoding: 'utf8'})
  return {code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr}
}

/** The one build folder under `xdg` (this Node, this build), and its files with their inodes. */
function cacheFiles(xdg: string): {dir: string; files: Map<string, {ino: number; mode: number; size: number}>} {
  const root = path.join(xdg, 'faas', 'code-cache')
  const dirs = readdirSync(root).filter((d) => d.startsWith(`${process.version}-${process.arch}-`))
  assert.equal(dirs.length, 1, `one build folder: ${dirs}`)
  const dir = path.join(root, dirs[0])
  const files = new Map<string, {ino: number; mode: number; size: number}>()
  for (const name of readdirSync(dir)) {
    const st = statSync(path.join(dir, name))
    files.set(name, {ino: st.ino, mode: st.mode & 0o777, size: st.size})
  }
  return {dir, files}
}

describe('the bundle loader\'s code cache', () => {
  // commands against a gateway URL where nothing listens fail fast, and the same way each time
  let dead = ''
  before(async () => {
    dead = await deadGatewayUrl()
  })

  it('the first run writes one private file per bundle file it loaded; a second run of the same command writes nothing', () => {
    const xdg = tempDir('faas-xdg-')
    const first = faas(['list', '--gateway', dead], {XDG_CACHE_HOME: xdg})
    assert.equal(first.code, 1)
    const {dir, files} = cacheFiles(xdg)
    assert.equal(statSync(dir).mode & 0o777, 0o700)
    assert.ok(files.has('faas.cjs'), [...files.keys()].join(' '))
    assert.ok([...files.keys()].some((f) => /^chunks~list-\w+\.cjs$/.test(f)), 'the command\'s own chunk')
    assert.ok(files.size >= 10, `${files.size} files`)
    for (const [name, f] of files) {
      assert.equal(f.mode, 0o600, name)
      assert.ok(f.size > 0, name)
      assert.ok(!name.endsWith('.tmp'), `no temporary file left: ${name}`)
    }
    const second = faas(['list', '--gateway', dead], {XDG_CACHE_HOME: xdg})
    assert.deepEqual(second, first)
    assert.deepEqual(cacheFiles(xdg).files, files, 'nothing rewritten')
  })

  it('another command adds its chunk and rewrites the shared files with what it used', () => {
    const xdg = tempDir('faas-xdg-')
    faas(['list', '--gateway', dead], {XDG_CACHE_HOME: xdg})
    const before = cacheFiles(xdg).files
    const r = faas(['secret', 'list', '--gateway', dead], {XDG_CACHE_HOME: xdg})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: cannot connect to OpenFaaS/)
    const after = cacheFiles(xdg).files
    assert.notEqual(after.get('faas.cjs')!.ino, before.get('faas.cjs')!.ino, 'the shared entry was written again')
    assert.ok([...after.keys()].some((f) => f.startsWith('chunks~list-') && !before.has(f)), 'secret list\'s own chunk is new')
    // both commands now run from the cache without writing
    faas(['list', '--gateway', dead], {XDG_CACHE_HOME: xdg})
    faas(['secret', 'list', '--gateway', dead], {XDG_CACHE_HOME: xdg})
    assert.deepEqual(cacheFiles(xdg).files, after)
  })

  it('cached data that V8 rejects (garbage of the right size, or cut short) is compiled again and replaced', () => {
    const xdg = tempDir('faas-xdg-')
    const clean = faas(['logout', '--help'], {XDG_CACHE_HOME: xdg})
    assert.equal(clean.code, 0, clean.stderr)
    const {dir, files} = cacheFiles(xdg)
    const names = [...files.keys()]
    const garbage = new Map<string, Buffer>()
    names.forEach((name, i) => {
      const size = files.get(name)!.size
      garbage.set(name, i % 2 ? Buffer.alloc(size, 0x5a) : Buffer.alloc(Math.floor(size / 3), 1))
      writeFileSync(path.join(dir, name), garbage.get(name)!)
    })
    const again = faas(['logout', '--help'], {XDG_CACHE_HOME: xdg})
    assert.deepEqual(again, clean)
    const rewritten = cacheFiles(xdg).files
    for (const name of names) {
      // V8's data for the same run differs by a few bytes from one run to the next
      assert.ok(Math.abs(rewritten.get(name)!.size - files.get(name)!.size) < files.get(name)!.size / 10, `${name} holds cached data again`)
      assert.ok(!readFileSync(path.join(dir, name)).equals(garbage.get(name)!), `${name} was replaced`)
    }
    assert.deepEqual(faas(['logout', '--help'], {XDG_CACHE_HOME: xdg}), clean)
    assert.deepEqual(cacheFiles(xdg).files, rewritten, 'and is used from then on')
  })

  it('a cache folder that others can write to is neither read nor written', () => {
    const xdg = tempDir('faas-xdg-')
    const clean = faas(['logout', '--help'], {XDG_CACHE_HOME: xdg})
    const {dir, files} = cacheFiles(xdg)
    const planted = [...files.keys()][0]
    writeFileSync(path.join(dir, planted), 'not V8 data')
    chmodSync(dir, 0o777)
    assert.deepEqual(faas(['logout', '--help'], {XDG_CACHE_HOME: xdg}), clean)
    assert.deepEqual(faas(['list', '--gateway', dead], {XDG_CACHE_HOME: xdg}).code, 1)
    const now = cacheFiles(xdg).files
    assert.equal(now.get(planted)!.size, 'not V8 data'.length, 'left as it was')
    assert.equal(now.size, files.size, 'nothing added')
  })

  it('NODE_DISABLE_COMPILE_CACHE=1 turns it off; an unusable location costs nothing but the cache', () => {
    const xdg = tempDir('faas-xdg-')
    const clean = faas(['logout', '--help'], {XDG_CACHE_HOME: xdg, NODE_DISABLE_COMPILE_CACHE: '1'})
    assert.equal(clean.code, 0, clean.stderr)
    assert.ok(!existsSync(path.join(xdg, 'faas')), 'nothing written')
    // XDG_CACHE_HOME is a file: no folder can be made under it
    const file = path.join(tempDir('faas-xdg-'), 'file')
    writeFileSync(file, '')
    assert.deepEqual(faas(['logout', '--help'], {XDG_CACHE_HOME: file}), clean)
    // a read-only parent (root can write anyway, so only checked as another user)
    const ro = tempDir('faas-xdg-')
    chmodSync(ro, 0o500)
    assert.deepEqual(faas(['logout', '--help'], {XDG_CACHE_HOME: ro}), clean)
    // no home at all
    const noHome = spawnSync(process.execPath, [binPath, 'logout', '--help'], {cwd: tempDir(), env: {PATH: process.env.PATH, LANG: 'C.UTF-8'}, encoding: 'utf8'})
    assert.equal(noHome.stdout, clean.stdout, noHome.stderr)
  })

  it('first runs in parallel all succeed and leave whole files, no temporary ones', async () => {
    const xdg = tempDir('faas-xdg-')
    const runs = Array.from({length: 6}, (_, i) =>
      new Promise<Run>((resolve) => {
        const args = i % 2 ? ['logout', '--help'] : ['list', '--gateway', dead]
        const child = spawn(process.execPath, [binPath, ...args], {cwd: tempDir(), env: cleanEnv({XDG_CACHE_HOME: xdg})})
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (d) => (stdout += d))
        child.stderr.on('data', (d) => (stderr += d))
        child.on('close', (code) => resolve({code: code ?? 1, stdout, stderr}))
      }),
    )
    const results = await Promise.all(runs)
    for (const [i, r] of results.entries()) {
      if (i % 2) assert.equal(r.code, 0, r.stderr)
      else assert.match(r.stderr, /^Error: cannot connect to OpenFaaS/)
    }
    const {files} = cacheFiles(xdg)
    assert.ok(![...files.keys()].some((f) => f.endsWith('.tmp')), [...files.keys()].join(' '))
    // whole files: the next runs accept every one of them and write nothing
    faas(['list', '--gateway', dead], {XDG_CACHE_HOME: xdg})
    faas(['logout', '--help'], {XDG_CACHE_HOME: xdg})
    assert.deepEqual(cacheFiles(xdg).files, files)
  })

  it('a new build folder removes older ones but the three most recently used', () => {
    const xdg = tempDir('faas-xdg-')
    const root = path.join(xdg, 'faas', 'code-cache')
    const old = ['v0-a', 'v0-b', 'v0-c', 'v0-d', 'v0-e']
    old.forEach((name, i) => {
      mkdirSync(path.join(root, name), {recursive: true})
      writeFileSync(path.join(root, name, 'faas.cjs'), 'x')
      const t = Date.now() / 1000 - 3600 * (i + 1)
      utimesSync(path.join(root, name), t, t)
    })
    faas(['logout', '--help'], {XDG_CACHE_HOME: xdg})
    const left = readdirSync(root).sort()
    assert.equal(left.length, 4, left.join(' '))
    assert.deepEqual(left.filter((d) => d.startsWith('v0-')), ['v0-a', 'v0-b', 'v0-c'])
  })

  it('the folder follows XDG_CACHE_HOME, else HOME; relative values and odd build ids are ignored', () => {
    assert.equal(codeCacheDir({XDG_CACHE_HOME: '/x/cache', HOME: '/home/u'}, 'abc', 'v20.1.0', 'x64'), '/x/cache/faas/code-cache/v20.1.0-x64-abc')
    assert.equal(codeCacheDir({HOME: '/home/u'}, 'abc', 'v24.0.0', 'arm64'), '/home/u/.cache/faas/code-cache/v24.0.0-arm64-abc')
    assert.equal(codeCacheDir({XDG_CACHE_HOME: 'rel/cache', HOME: '/home/u'}, 'abc', 'v20.1.0', 'x64'), '/home/u/.cache/faas/code-cache/v20.1.0-x64-abc')
    assert.equal(codeCacheDir({HOME: 'relative'}, 'abc'), undefined)
    assert.equal(codeCacheDir({}, 'abc'), undefined)
    assert.equal(codeCacheDir({HOME: '/home/u'}, '../x'), undefined)
    assert.equal(codeCacheDir({HOME: '/home/u', NODE_DISABLE_COMPILE_CACHE: '1'}, 'abc'), undefined)
    assert.ok(codeCacheDir({HOME: '/home/u', NODE_DISABLE_COMPILE_CACHE: '0'}, 'abc'))
  })
})
