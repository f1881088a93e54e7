/**
 * The sandbox's view of the host: toolchains on PATH stay runnable wherever they are. A node
 * unpacked under /tmp (a CI cache, or `.ci/run`'s Node 24 in a clone under /tmp) was hidden by
 * the private /tmp, so every sandboxed function that needed it failed to start.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {test} from 'node:test'
import {bubblewrapArgs, hostView} from '../../src/local/sandbox/bubblewrap.js'

function bwrapPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v bwrap'], {encoding: 'utf8'})
  return r.status === 0 ? r.stdout.trim() : undefined
}

test('PATH entries under /tmp are shown in the private /tmp, and only they', async () => {
  const bwrap = bwrapPath()
  assert.ok(bwrap, 'bubblewrap must be installed (.ci/run installs it)')
  const root = fs.mkdtempSync(path.join('/tmp', 'faas-sandbox-view-'))
  try {
    const tools = path.join(root, 'toolchain', 'bin')
    fs.mkdirSync(tools, {recursive: true})
    fs.writeFileSync(path.join(tools, 'hello-tool'), '#!/bin/sh\necho tool ran\n', {mode: 0o755})
    fs.writeFileSync(path.join(root, 'toolchain', 'secret.txt'), 'next to the tool')
    const home = path.join(root, 'home')
    fs.mkdirSync(path.join(home, '.ssh'), {recursive: true})
    fs.writeFileSync(path.join(home, '.ssh', 'id_rsa'), 'key')
    const box = fs.mkdtempSync(path.join(os.tmpdir(), 'faas-sandbox-box-'))
    const view = await hostView({home, path: `${tools}:/usr/bin:/bin`, programs: [process.execPath], hide: []})
    assert.deepEqual(view.tmpExposed.filter((p) => p.startsWith(root)), [tools])
    const run = (cmd: string) =>
      spawnSync(bwrap!, [...bubblewrapArgs(view, {dir: box, writable: false}), '--', 'sh', '-c', cmd], {encoding: 'utf8', env: {PATH: `${tools}:/usr/bin:/bin`}})
    const ran = run('hello-tool')
    assert.equal(ran.status, 0, ran.stderr)
    assert.equal(ran.stdout, 'tool ran\n')
    // the rest of that /tmp folder, and the home under it, stay out of sight
    assert.notEqual(run(`cat ${path.join(root, 'toolchain', 'secret.txt')}`).status, 0)
    assert.notEqual(run(`cat ${path.join(home, '.ssh', 'id_rsa')}`).status, 0)
    // and the view stays read-only
    assert.notEqual(run(`touch ${path.join(tools, 'new-file')}`).status, 0)
    fs.rmSync(box, {recursive: true, force: true})
  } finally {
    fs.rmSync(root, {recursive: true, force: true})
  }
})
