/**
 * A function's processes never outlive what OpenFaaS would give them. Before: a `sleep` started
 * by a function outlived the call's timeout, the function's crash, its removal and the gateway;
 * after `kill -9` of the gateway, http-mode functions kept running and a restart started
 * duplicates.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'
import {request, waitFor, writeFile} from '../local/helpers.js'
import {deploy, processesWith, registerImage, startTestGateway, type TestGateway} from './helpers.js'

let markerCount = 0
/** A `sleep` duration no other process on the machine uses, to find the function's children by. */
function marker(): string {
  return `${process.pid % 1000}${++markerCount}${Date.now() % 1000}.${Math.floor(Math.random() * 1000)}`
}

/**
 * An http-mode function that starts `sleep <marker>` when it starts, and another one on
 * /spawn; /crash exits without answering.
 */
function treeServer(mark: string): string {
  return `
const {spawn} = require('node:child_process')
const http = require('node:http')
spawn('sleep', ['${mark}'], {stdio: 'ignore'})
http.createServer((req, res) => {
  if (req.url === '/crash') process.exit(3)
  if (req.url === '/spawn') spawn('sleep', ['${mark}'], {stdio: 'ignore'})
  res.end('ok')
}).listen(Number(process.env.http_port), '127.0.0.1')
`
}

async function treeFunction(gw: TestGateway, name: string, mark: string, extra: Record<string, unknown> = {}): Promise<void> {
  const dir = await registerImage(gw, `${name}:latest`, {mode: 'http', run: `${process.execPath} tree.cjs`, port_env: 'http_port'})
  writeFile(dir, 'tree.cjs', treeServer(mark))
  const d = await deploy(gw, name, `${name}:latest`, extra)
  assert.equal(d.status, 202, d.text)
  assert.equal((await request(`${gw.url}/function/${name}/spawn`)).text, 'ok')
  await waitFor(() => processesWith(mark).length >= 2, 5000, `the children of ${name}`)
}

const gone = (mark: string, what: string) => waitFor(() => processesWith(mark).length === 0, 5000, `no process of ${what} left`)

describe('process trees of functions', () => {
  test('a fork-mode call that times out takes the processes it started with it', async () => {
    const gw = await startTestGateway()
    try {
      const mark = marker()
      const dir = await registerImage(gw, 'forker:latest', {mode: 'classic', run: 'sh tree.sh', environment: {exec_timeout: '500ms'}})
      writeFile(dir, 'tree.sh', `sleep ${mark} &\nsleep ${mark}\n`)
      assert.equal((await deploy(gw, 'forker', 'forker:latest')).status, 202)
      const r = await request(`${gw.url}/function/forker`, {method: 'POST', body: ''})
      assert.equal(r.status, 408)
      await gone(mark, 'the timed-out call')
      const quick = marker()
      fs.writeFileSync(path.join(dir, 'tree.sh'), `sleep ${quick} &\necho done\n`)
      const ok = await request(`${gw.url}/function/forker`, {method: 'POST', body: ''})
      assert.equal(ok.text, 'done\n', 'a call that leaves a process behind still answers at once')
      await gone(quick, 'the finished call')
    } finally {
      await gw.stop()
    }
  })

  test('crash, scale to zero, removal and shutdown stop the whole tree', async () => {
    const gw = await startTestGateway()
    try {
      const crash = marker()
      await treeFunction(gw, 'crasher', crash)
      await request(`${gw.url}/function/crasher/crash`)
      // the restarted process starts one new sleep: what the crashed one left must be gone
      await waitFor(() => processesWith(crash).length === 1, 5000, 'only the restarted process\'s child')

      const scaled = marker()
      await treeFunction(gw, 'scaled', scaled)
      assert.equal((await gw.system('POST', '/system/scale-function/scaled', {replicas: 0})).status, 200)
      await gone(scaled, 'the function scaled to zero')

      const removed = marker()
      await treeFunction(gw, 'removed', removed)
      assert.equal((await gw.system('DELETE', '/system/functions', {functionName: 'removed'})).status, 200)
      await gone(removed, 'the removed function')

      const shut = marker()
      await treeFunction(gw, 'shut', shut)
      assert.equal(await gw.stop('SIGTERM'), 0)
      await gone(shut, 'the stopped gateway')
    } finally {
      await gw.stop()
    }
  })

  test('kill -9 of the gateway: inside bubblewrap nothing survives', async () => {
    const gw = await startTestGateway()
    try {
      assert.match(gw.output(), /sandbox: bubblewrap/)
      const mark = marker()
      await treeFunction(gw, 'orphan', mark)
      gw.child.kill('SIGKILL')
      await gone(mark, 'a gateway killed with -9')
    } finally {
      await gw.stop()
    }
  })

  test('kill -9 of the gateway without a sandbox: the next start reaps what was left, no duplicates', async () => {
    const first = await startTestGateway({args: ['--sandbox', 'none']})
    const mark = marker()
    try {
      assert.match(first.output(), /sandbox: none/)
      await treeFunction(first, 'orphan', mark)
      first.child.kill('SIGKILL')
      await new Promise((r) => setTimeout(r, 300))
      assert.ok(processesWith(mark).length >= 2, 'without a sandbox they survive the kill for now')
    } finally {
      await first.stop()
    }
    const second = await startTestGateway({args: ['--sandbox', 'none'], root: first.root, dataDir: first.dataDir})
    try {
      assert.match(second.output(), /stopped \d+ function process tree\(s\) left by a gateway that was killed/)
      // the restored function starts once: one new process with one child
      await waitFor(() => processesWith(mark).length === 1, 5000, 'only the restored function\'s own child')
      assert.equal((await request(`${second.url}/function/orphan/spawn`)).text, 'ok')
      await waitFor(() => processesWith(mark).length === 2, 5000, 'its second child')
    } finally {
      await second.stop()
      await gone(mark, 'the second gateway')
    }
  })
})
