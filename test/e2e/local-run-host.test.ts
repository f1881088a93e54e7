/**
 * `faas local-run --builder host` as a newcomer meets it, through the built CLI with real
 * processes: a busy port, Ctrl-C (SIGINT to the CLI process only, so nothing but the CLI can
 * stop the function), and --watch (stack traces that point at the handler folder, "Reloaded"
 * only once the new build is up).
 *
 * The project uses a small template of its own (an http-mode node server) so that the test
 * controls how long a build takes: a handler holding a file named `slow` builds for 3 s.
 * Every function process gets FAAS_TEST_MARKER in its environment; /proc tells which are alive.
 */
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import {after, describe, it} from 'node:test'

import {binPath, cleanEnv, tempDir} from '../helpers/cli.js'

const TEMPLATE_YML = `language: tnode
fprocess: node index.js
host:
  requires: [node]
  build:
    - if [ -f function/slow ]; then sleep 3; fi
  run: node index.js
  mode: http
  port_env: http_port
`

const INDEX_JS = `const http = require('node:http')
const handler = require('./function/handler.js')
http.createServer(async (req, res) => {
  try {
    res.end(String(await handler(req)))
  } catch (err) {
    console.error(err)
    res.statusCode = 500
    res.end('error')
  }
}).listen(Number(process.env.http_port || 3000), '127.0.0.1', () => console.log('tnode listening'))
`

const HANDLER_OK = `module.exports = async () => 'ok'\n`

const children: ChildProcess[] = []
const dirs: string[] = []
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  for (const pid of markedProcesses('')) process.kill(pid, 'SIGKILL')
  for (const d of dirs) rmSync(d, {recursive: true, force: true})
})

function project(handler = HANDLER_OK): {cwd: string; handlerDir: string} {
  const cwd = tempDir('faas-lr-host-')
  dirs.push(cwd)
  mkdirSync(path.join(cwd, 'template', 'tnode', 'function'), {recursive: true})
  writeFileSync(path.join(cwd, 'template', 'tnode', 'template.yml'), TEMPLATE_YML)
  writeFileSync(path.join(cwd, 'template', 'tnode', 'index.js'), INDEX_JS)
  writeFileSync(path.join(cwd, 'template', 'tnode', 'function', 'handler.js'), HANDLER_OK)
  const handlerDir = path.join(cwd, 'fn')
  mkdirSync(handlerDir)
  writeFileSync(path.join(handlerDir, 'handler.js'), handler)
  writeFileSync(path.join(cwd, 'stack.yaml'), 'version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n  fn:\n    lang: tnode\n    handler: ./fn\n    image: fn:latest\n')
  return {cwd, handlerDir}
}

/** Pids of live processes whose environment holds FAAS_TEST_MARKER=<marker> (any marker when ''). */
function markedProcesses(marker: string): number[] {
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const environ = readFileSync(`/proc/${name}/environ`, 'latin1').split('\0')
      if (environ.some((v) => (marker ? v === `FAAS_TEST_MARKER=${marker}` : v.startsWith('FAAS_TEST_MARKER=')))) {
        // a zombie waiting for its parent is not running any more
        if (!/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${name}/stat`, 'latin1'))) pids.push(Number(name))
      }
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return pids
}

interface Run {
  child: ChildProcess
  output: () => string
  waitFor: (re: RegExp, ms?: number) => Promise<RegExpExecArray>
  exited: Promise<number | null>
}

function localRun(cwd: string, args: string[], marker: string): Run {
  const env = cleanEnv({NO_COLOR: '1'})
  const child = spawn(process.execPath, [binPath, 'local-run', 'fn', '--builder', 'host', '-e', `FAAS_TEST_MARKER=${marker}`, ...args], {cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
  children.push(child)
  let text = ''
  const waiters: Array<() => void> = []
  const onData = (c: Buffer) => {
    text += c
    for (const w of waiters.splice(0)) w()
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const waitFor = (re: RegExp, ms = 30_000) => new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}:\n${text}`)), ms)
    const check = () => {
      const m = re.exec(text)
      if (m) {
        clearTimeout(timer)
        resolve(m)
      } else if (child.exitCode !== null) {
        clearTimeout(timer)
        reject(new Error(`local-run exited (${child.exitCode}) before ${re}:\n${text}`))
      } else {
        waiters.push(check)
      }
    }
    check()
  })
  return {child, output: () => text, waitFor, exited}
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))])
}

async function gone(marker: string, ms = 3000): Promise<number[]> {
  const end = Date.now() + ms
  let left = markedProcesses(marker)
  while (left.length && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50))
    left = markedProcesses(marker)
  }
  return left
}

describe('local-run on the host: ports and Ctrl-C', () => {
  it('a busy port: exit 1 at once with a clear error, and no function process left behind', async () => {
    const {cwd} = project()
    const busy = net.createServer()
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()))
    const port = (busy.address() as net.AddressInfo).port
    const marker = randomUUID()
    try {
      const run = localRun(cwd, ['--port', String(port)], marker)
      const code = await within(run.exited, 20_000, `local-run on busy port ${port}`)
      assert.equal(code, 1, run.output())
      assert.match(run.output(), new RegExp(`Error: port ${port} is already in use\\nHint: `))
      assert.deepEqual(await gone(marker), [], 'no function process survives')
    } finally {
      busy.close()
    }
  })

  it('the first SIGINT stops the CLI and the function process', async () => {
    const {cwd} = project()
    const marker = randomUUID()
    const run = localRun(cwd, ['--port', '0'], marker)
    await run.waitFor(/tnode listening/)
    assert.ok(markedProcesses(marker).length > 0, 'the function runs')
    run.child.kill('SIGINT')
    assert.equal(await within(run.exited, 5000, 'exit after SIGINT'), 0, run.output())
    assert.deepEqual(await gone(marker), [])
  })

  it('--watch: the first SIGINT during a rebuild stops everything (the rebuild does not start the function again)', async () => {
    const {cwd, handlerDir} = project()
    const marker = randomUUID()
    const run = localRun(cwd, ['--port', '0', '--watch'], marker)
    await run.waitFor(/tnode listening/)
    await run.waitFor(/Watching/)
    writeFileSync(path.join(handlerDir, 'slow'), '')
    writeFileSync(path.join(handlerDir, 'handler.js'), `module.exports = async () => 'v2'\n`)
    await run.waitFor(/Change detected: rebuilding fn/)
    run.child.kill('SIGINT')
    const code = await within(run.exited, 8000, 'exit after SIGINT during the rebuild')
    assert.equal(code, 0, run.output())
    assert.deepEqual(await gone(marker), [], `no function process survives:\n${run.output()}`)
  })
})

describe('local-run --watch on the host', () => {
  it('stack traces name the handler folder, not the build copy in the cache', async () => {
    const {cwd, handlerDir} = project(`module.exports = async () => {\n  throw new Error('boom from the handler')\n}\n`)
    const marker = randomUUID()
    const run = localRun(cwd, ['--port', '0', '--watch'], marker)
    try {
      const [, url] = await run.waitFor(/fn is running on the host: (\S+)/)
      await run.waitFor(/tnode listening/)
      const res = await fetch(url)
      assert.equal(res.status, 500)
      await run.waitFor(/boom from the handler[\s\S]*handler\.js:\d+:\d+/)
      const trace = run.output().slice(run.output().indexOf('boom from the handler'))
      assert.ok(trace.includes(`${path.join(handlerDir, 'handler.js')}:2:`), trace)
      assert.ok(!trace.includes(path.join('.cache', 'faas')), `no cache path in:\n${trace}`)
      assert.ok(!trace.includes(path.join(cwd, 'build', 'fn', 'function')), `no build/fn/function path in:\n${trace}`)
    } finally {
      run.child.kill('SIGINT')
      await run.exited
    }
  })

  it('says "Reloaded" only once the new build is up, never while it crash-loops', async () => {
    const {cwd, handlerDir} = project()
    const marker = randomUUID()
    const run = localRun(cwd, ['--port', '0', '--watch'], marker)
    try {
      await run.waitFor(/tnode listening/)
      await run.waitFor(/Watching/)
      const mark = run.output().length
      writeFileSync(path.join(handlerDir, 'handler.js'), `throw new Error('broken at load')\n`)
      await run.waitFor(/broken at load[\s\S]*broken at load/, 20_000) // it crashed, and again after a restart
      await new Promise((r) => setTimeout(r, 1000))
      assert.doesNotMatch(run.output().slice(mark), /Reloaded/, 'no "Reloaded" while it crash-loops')
      writeFileSync(path.join(handlerDir, 'handler.js'), `module.exports = async () => 'fixed'\n`)
      await run.waitFor(/Reloaded fn/, 20_000)
      const after = run.output().slice(mark)
      assert.equal(after.match(/Reloaded/g)?.length, 1, after)
    } finally {
      run.child.kill('SIGINT')
      await run.exited
    }
  })
})
