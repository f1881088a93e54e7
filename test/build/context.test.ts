import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync, symlinkSync, mkdirSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {
  checkExtraPath, digestContextPlan, handlerDigest, planBuildContext, writeBuildContext,
} from '../../src/build/context.js'
import {isFaasError} from '../../src/errors.js'
import {makeProject, tmp, writeTree} from './helpers.js'

const mode = (p: string) => statSync(p).mode & 0o7777

describe('build context (§3)', () => {
  it('copies the template, then the handler into handler_folder, skipping build/ and template/', async () => {
    const cwd = makeProject()
    writeTree(cwd, {'build/hello/stale.txt': 'old', 'build/other/keep.txt': 'keep'})
    const plan = await planBuildContext({cwd, name: 'hello', handler: './hello', lang: 'node-test', templateDir: path.join(cwd, 'template/node-test')})
    await writeBuildContext(plan, {})
    const root = path.join(cwd, 'build/hello')
    assert.equal(readFileSync(path.join(root, 'Dockerfile'), 'utf8'), 'FROM scratch\nCOPY . /home/app\n')
    assert.equal(readFileSync(path.join(root, 'template.yml'), 'utf8'), 'language: node-test\nfprocess: node index.js\n')
    // the handler overwrites the template's sample files
    assert.equal(readFileSync(path.join(root, 'function/handler.js'), 'utf8'), 'module.exports = () => "hi"\n')
    assert.equal(readFileSync(path.join(root, 'function/package.json'), 'utf8'), '{"name":"hello"}\n')
    assert.equal(readFileSync(path.join(root, 'function/lib/util.js'), 'utf8'), 'exec\n')
    assert.ok(!existsSync(path.join(root, 'function/build')), 'handler build/ skipped')
    assert.ok(!existsSync(path.join(root, 'function/template')), 'handler template/ skipped')
    assert.ok(!existsSync(path.join(root, 'stale.txt')), 'stale files of build/<fn> removed')
    assert.ok(existsSync(path.join(cwd, 'build/other/keep.txt')), 'other build folders kept')
    // modes kept
    assert.equal(mode(path.join(root, 'index.js')), 0o755)
    assert.equal(mode(path.join(root, 'function/lib/util.js')), 0o750)
    assert.equal(mode(path.join(root, 'function')), 0o700)
  })

  it('uses the template handler_folder', async () => {
    const cwd = makeProject()
    const plan = await planBuildContext({cwd, name: 'opt', handler: './hello', lang: 'opts', templateDir: path.join(cwd, 'template/opts'), handlerFolder: 'handler'})
    await writeBuildContext(plan, {})
    assert.ok(existsSync(path.join(cwd, 'build/opt/handler/handler.js')))
    assert.ok(!existsSync(path.join(cwd, 'build/opt/function')))
  })

  it('makes the handler the whole context for the dockerfile language', async () => {
    const cwd = makeProject()
    writeTree(cwd, {'web/build/x': 'x', 'web/template/y': 'y', 'web/sub/data.txt': 'data'})
    const plan = await planBuildContext({cwd, name: 'web', handler: './web', lang: 'Dockerfile'})
    await writeBuildContext(plan, {})
    const files = plan.entries.filter((e) => e.kind === 'file').map((e) => e.dest)
    assert.deepEqual(files, ['Dockerfile', 'app.sh', 'sub/data.txt'])
    assert.equal(mode(path.join(cwd, 'build/web/app.sh')), 0o755)
  })

  it('copies extra paths into the handler folder and refuses paths outside the project', async () => {
    const cwd = makeProject()
    writeTree(cwd, {'libs/deep/a.txt': 'a'})
    const plan = await planBuildContext({cwd, name: 'hello', handler: './hello', lang: 'node-test', templateDir: path.join(cwd, 'template/node-test'), extraPaths: ['./common', 'libs/deep/a.txt']})
    await writeBuildContext(plan, {})
    assert.equal(readFileSync(path.join(cwd, 'build/hello/function/common/shared.txt'), 'utf8'), 'shared\n')
    assert.equal(readFileSync(path.join(cwd, 'build/hello/function/libs/deep/a.txt'), 'utf8'), 'a')
    assert.throws(() => checkExtraPath(cwd, '../outside'), (e: unknown) => isFaasError(e) && /outside of the build context/.test((e as Error).message))
    assert.throws(() => checkExtraPath(cwd, '.'), /equal the entire project/)
    assert.throws(() => checkExtraPath(cwd, '/etc'), /outside of the build context/)
  })

  it('fails clearly when the handler folder does not exist', async () => {
    const cwd = makeProject()
    await assert.rejects(planBuildContext({cwd, name: 'x', handler: './nope', lang: 'dockerfile'}), /building x, \.\/nope is an invalid path/)
  })

  it('keeps contexts writable so a read-only template can be rebuilt', async () => {
    const cwd = makeProject()
    chmodSync(path.join(cwd, 'template/node-test/function'), 0o555)
    chmodSync(path.join(cwd, 'template/node-test/Dockerfile'), 0o444)
    const input = {cwd, name: 'hello', handler: './hello', lang: 'node-test', templateDir: path.join(cwd, 'template/node-test')}
    await writeBuildContext(await planBuildContext(input), {})
    await writeBuildContext(await planBuildContext(input), {})
    assert.equal(mode(path.join(cwd, 'build/hello/Dockerfile')), 0o444)
  })

  it('follows symbolic links that stay inside and survives link loops', async () => {
    const cwd = makeProject()
    writeTree(cwd, {'web/data/real.txt': 'real'})
    symlinkSync(path.join(cwd, 'web/data/real.txt'), path.join(cwd, 'web/link.txt'))
    mkdirSync(path.join(cwd, 'web/loop'))
    symlinkSync('..', path.join(cwd, 'web/loop/up'))
    const plan = await planBuildContext({cwd, name: 'web', handler: './web', lang: 'dockerfile'})
    await writeBuildContext(plan, {})
    assert.equal(readFileSync(path.join(cwd, 'build/web/link.txt'), 'utf8'), 'real')
  })

  it('stops at a link back to an ancestor but copies links to other folders of the tree', async () => {
    const cwd = makeProject()
    writeTree(cwd, {'web/sub/data.txt': 'data', 'web/sub/deeper/x.txt': 'x'})
    // alias sorts before sub: walking it must not make sub look like a loop afterwards
    symlinkSync('sub', path.join(cwd, 'web/alias'))
    symlinkSync('..', path.join(cwd, 'web/sub/deeper/up'))
    const plan = await planBuildContext({cwd, name: 'web', handler: './web', lang: 'dockerfile'})
    const dests = plan.entries.map((e) => `${e.kind} ${e.dest}`)
    for (const prefix of ['alias', 'sub']) {
      assert.ok(dests.includes(`file ${prefix}/data.txt`), `${prefix}/data.txt copied`)
      assert.ok(dests.includes(`file ${prefix}/deeper/x.txt`), `${prefix}/deeper/x.txt copied`)
    }
    // deeper/up leads back to sub (an ancestor on both paths): an empty folder, not a recursion
    assert.ok(dests.includes('dir sub/deeper/up') && dests.includes('dir alias/deeper/up'))
    assert.ok(!dests.some((d) => d.includes('deeper/up/')), dests.join('\n'))
    await writeBuildContext(plan, {})
    assert.equal(readFileSync(path.join(cwd, 'build/web/alias/deeper/x.txt'), 'utf8'), 'x')
  })

  it('detects loops by real path when the handler itself is reached through a link', async () => {
    const cwd = makeProject()
    writeTree(cwd, {'web/sub/data.txt': 'data'})
    symlinkSync(path.join(cwd, 'web'), path.join(cwd, 'linked'))
    // an absolute link to the handler's real folder, met while walking it by its linked name
    symlinkSync(path.join(cwd, 'web'), path.join(cwd, 'web/sub/back'))
    const plan = await planBuildContext({cwd, name: 'web', handler: './linked', lang: 'dockerfile'})
    const dests = plan.entries.map((e) => e.dest)
    assert.ok(dests.includes('sub/data.txt'))
    assert.ok(dests.includes('sub/back'))
    assert.ok(!dests.some((d) => d.startsWith('sub/back/')), dests.join('\n'))
  })

  it('overwrites a destination the plan names twice, keeping the later source and its mode', async () => {
    const dir = tmp()
    writeTree(dir, {'src/first.txt': 'first', 'src/second.sh': {content: 'second', mode: 0o750}})
    const root = path.join(dir, 'build/twice')
    await writeBuildContext({root, handlerFolder: '', entries: [
      {dest: 'same.txt', source: path.join(dir, 'src/first.txt'), kind: 'file'},
      {dest: 'same.txt', source: path.join(dir, 'src/second.sh'), kind: 'file'},
    ]}, {})
    assert.equal(readFileSync(path.join(root, 'same.txt'), 'utf8'), 'second')
    assert.equal(mode(path.join(root, 'same.txt')), 0o750)
  })

  it('off the main thread (a build\'s way) writes the very context the synchronous copy writes', async () => {
    const listing = (root: string) => {
      const out: string[] = []
      const visit = (dir: string) => {
        for (const name of readdirSync(dir).sort()) {
          const abs = path.join(dir, name)
          const st = statSync(abs)
          const rel = path.relative(root, abs)
          out.push(st.isDirectory() ? `${rel}/ ${mode(abs).toString(8)}` : `${rel} ${mode(abs).toString(8)} ${readFileSync(abs, 'utf8')}`)
          if (st.isDirectory()) visit(abs)
        }
      }
      visit(root)
      return out
    }
    const cwd = makeProject()
    const input = {cwd, handler: './hello', lang: 'node-test', templateDir: path.join(cwd, 'template/node-test')}
    await writeBuildContext(await planBuildContext({...input, name: 'sync'}), {})
    const offPlan = await planBuildContext({...input, name: 'off'})
    // a destination named twice: the later source wins, with its mode, as in the synchronous copy
    writeTree(cwd, {'extra/over.sh': {content: 'later', mode: 0o750}})
    const twice = offPlan.entries.find((e) => e.kind === 'file')!
    offPlan.entries.push({dest: twice.dest, source: path.join(cwd, 'extra/over.sh'), kind: 'file'})
    const syncPlan = await planBuildContext({...input, name: 'sync'})
    syncPlan.entries.push({dest: twice.dest, source: path.join(cwd, 'extra/over.sh'), kind: 'file'})
    await writeBuildContext(syncPlan, {})
    await writeBuildContext(offPlan, {}, {offThread: true})
    const off = listing(path.join(cwd, 'build/off'))
    assert.deepEqual(off, listing(path.join(cwd, 'build/sync')))
    assert.ok(off.includes(`${twice.dest} 750 later`), off.join('\n'))
    assert.ok(off.length > 5, off.join('\n'))
    // and over an old context, which is replaced whole
    writeTree(cwd, {'build/off/stale.txt': 'old'})
    await writeBuildContext(offPlan, {}, {offThread: true})
    assert.deepEqual(listing(path.join(cwd, 'build/off')), off)
  })

  it('digests paths, modes and contents', async () => {
    const cwd = makeProject()
    const input = {cwd, name: 'web', handler: './web', lang: 'dockerfile'}
    const d1 = await digestContextPlan(await planBuildContext(input))
    assert.equal(await digestContextPlan(await planBuildContext(input)), d1, 'stable')
    chmodSync(path.join(cwd, 'web/Dockerfile'), 0o600)
    const d2 = await digestContextPlan(await planBuildContext(input))
    assert.notEqual(d2, d1, 'mode change')
    writeFileSync(path.join(cwd, 'web/Dockerfile'), 'FROM busybox\n')
    const d3 = await digestContextPlan(await planBuildContext(input))
    assert.notEqual(d3, d2, 'content change')
    writeTree(cwd, {'web/build/ignored.txt': 'x'})
    assert.equal(await digestContextPlan(await planBuildContext(input)), d3, 'skipped entries do not count')
  })

  it('computes the --tag digest value as md5 of sorted file md5s', async () => {
    const dir = tmp()
    writeTree(dir, {'b.txt': 'bee', 'a/z.txt': 'zed', 'a-c.txt': 'ac'})
    const md5 = (s: string) => createHash('md5').update(s).digest('hex')
    // sorted relative paths: a-c.txt, a/z.txt, b.txt
    const expected = md5(md5('ac') + md5('zed') + md5('bee'))
    assert.equal(await handlerDigest(dir), expected)
  })
})
