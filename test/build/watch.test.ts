import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {functionsForPath, ignoreMatcher, watchFunctions} from '../../src/build/watch.js'
import type {StackFunction} from '../../src/stack/types.js'
import {tmp, writeTree} from './helpers.js'

const fns: StackFunction[] = [{name: 'a', handler: './a'}, {name: 'b', handler: './b'}]

function project(withGitignore: boolean): string {
  const cwd = tmp('faas-watch-')
  writeTree(cwd, {'a/handler.js': '1', 'b/handler.js': '1', 'stack.yaml': 'x', ...(withGitignore ? {'.gitignore': '*.log\nnode_modules\n'} : {})})
  return cwd
}

describe('--watch', () => {
  it('maps paths to the functions that own them', () => {
    const cwd = '/p'
    assert.deepEqual(functionsForPath(cwd, fns, '/p/a/x/y.js'), ['a'])
    assert.deepEqual(functionsForPath(cwd, fns, '/p/b'), ['b'])
    assert.deepEqual(functionsForPath(cwd, fns, '/p/c/z'), [])
  })

  it('ignores .git, build/, handler build/template and .gitignore patterns', async () => {
    const cwd = project(true)
    const ignored = await ignoreMatcher(cwd, [path.join(cwd, 'a')])
    assert.equal(ignored(path.join(cwd, 'a/.git/HEAD')), true)
    assert.equal(ignored(path.join(cwd, 'build/a/x')), true)
    assert.equal(ignored(path.join(cwd, 'a/template/x')), true)
    assert.equal(ignored(path.join(cwd, 'a/debug.log')), true)
    assert.equal(ignored(path.join(cwd, 'a/node_modules'), true), true)
    assert.equal(ignored(path.join(cwd, 'a/handler.js')), false)
  })

  it('fixes §10: works without a .gitignore and rebuilds only the function that changed', async () => {
    const cwd = project(false)
    const changes: Array<{functions: string[]; stackChanged: boolean}> = []
    const abort = new AbortController()
    let ready!: () => void
    const readyP = new Promise<void>((r) => { ready = r })
    let changed!: () => void
    const changedP = new Promise<void>((r) => { changed = r })
    const done = watchFunctions({
      cwd, stackFile: path.join(cwd, 'stack.yaml'), functions: fns, debounceMs: 150, signal: abort.signal, onReady: ready,
      onChange: async (c) => {
        changes.push({functions: c.functions, stackChanged: c.stackChanged})
        changed()
      },
    })
    await readyP
    writeFileSync(path.join(cwd, 'b/handler.js'), '2')
    writeFileSync(path.join(cwd, 'b/more.js'), '3')
    await changedP
    abort.abort()
    await done
    assert.deepEqual(changes, [{functions: ['b'], stackChanged: false}], 'two writes, one debounced rebuild of b only')
  })
})
