import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {sourcePathRewriter} from '../../src/local/source-paths.js'
import {tempDir} from './helpers.js'

describe('paths in function output point at the project', () => {
  const project = tempDir('faas-src-paths-')
  const handlerDir = path.join(project, 'fn')
  mkdirSync(path.join(handlerDir, 'lib'), {recursive: true})
  writeFileSync(path.join(handlerDir, 'handler.js'), '')
  writeFileSync(path.join(handlerDir, 'lib', 'util.py'), '')
  writeFileSync(path.join(handlerDir, 'handler.go'), '')
  const runDir = '/home/u/.cache/faas/images/store/fn_latest-0123abcd-x1'
  const contextDir = path.join(project, 'build', 'fn')
  const rewrite = sourcePathRewriter({runDir, contextDir, handlerFolder: 'function', handlerDir})

  it('handler files of the store copy and of the build context → the handler folder', () => {
    assert.equal(rewrite(`    at module.exports (${runDir}/function/handler.js:9:31)`), `    at module.exports (${handlerDir}/handler.js:9:31)`)
    assert.equal(rewrite(`  File "${runDir}/function/lib/util.py", line 3, in f`), `  File "${handlerDir}/lib/util.py", line 3, in f`)
    assert.equal(rewrite(`\t${contextDir}/function/handler.go:12 +0x1d`), `\t${handlerDir}/handler.go:12 +0x1d`)
    assert.equal(rewrite(`    at file://${runDir}/function/handler.js:1:7`), `    at file://${handlerDir}/handler.js:1:7`)
  })

  it('template files and build output → build/<fn>, and other lines stay as they are', () => {
    assert.equal(rewrite(`    at handle (${runDir}/index.js:248:20)`), `    at handle (${contextDir}/index.js:248:20)`)
    assert.equal(rewrite(`    at x (${runDir}/function/node_modules/a/b.js:1:1)`), `    at x (${contextDir}/function/node_modules/a/b.js:1:1)`)
    assert.equal(rewrite('listening on 127.0.0.1:3000'), 'listening on 127.0.0.1:3000')
    assert.equal(rewrite(`    at y (/usr/lib/node/x.js:1:1)`), `    at y (/usr/lib/node/x.js:1:1)`)
  })

  it('dockerfile: the handler is the context itself', () => {
    const docker = sourcePathRewriter({runDir, contextDir, handlerFolder: '', handlerDir})
    assert.equal(docker(`${runDir}/handler.js:3`), `${handlerDir}/handler.js:3`)
    assert.equal(docker(`${runDir}/Dockerfile`), `${contextDir}/Dockerfile`)
  })
})
