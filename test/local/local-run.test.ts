import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {after, test} from 'node:test'
import {runLocalOnHost, startLocalRun} from '../../src/local/local-run.js'
import type {Stack, StackFunction} from '../../src/stack/types.js'
import {freePort, json, registerTestImage, request, tempDir, waitFor} from './helpers.js'

const root = tempDir('faas-local-run-test-')
const indexPath = path.join(root, 'index.json')
const node = process.execPath

after(() => fs.rmSync(root, {recursive: true, force: true}))

test('one function answers on the port itself; reload switches to the new build', async () => {
  await registerTestImage(indexPath, 'me/one:latest', {mode: 'http', run: `${node} upstream.cjs`, port_env: 'http_port'})
  const lines: string[] = []
  const h = await startLocalRun({functions: [{name: 'one', image: 'me/one', environment: {FOO: 'bar'}}], port: 0, cwd: root, indexPath, log: (l) => lines.push(l)})
  try {
    const r = await request(`${h.url}/echo?q=1`)
    assert.equal(r.status, 200)
    assert.equal(json(r).url, '/echo?q=1', 'no /function prefix: the function is at /')
    assert.equal(json(r).env.FOO, 'bar')
    assert.equal((await request(`${h.url}/_/health`)).text, 'OK')
    await waitFor(async () => (await request(`${h.url}/_/ready`)).status === 200, 3000, 'ready')
    const before = (await request(`${h.url}/pid`)).text
    await h.reload()
    const after = (await request(`${h.url}/pid`)).text
    assert.notEqual(after, before, 'a new process after reload')
    assert.ok(lines.some((l) => /^starting on \d+$/.test(l)), 'function output reaches the terminal')
  } finally {
    await h.stop()
  }
})

test('several functions sit behind gateway routes', async () => {
  await registerTestImage(indexPath, 'me/a:latest', {mode: 'http', run: `${node} upstream.cjs`, port_env: 'http_port'})
  await registerTestImage(indexPath, 'me/b:latest', {mode: 'classic', run: 'cat'})
  const lines: string[] = []
  const h = await startLocalRun({
    functions: [{name: 'a', image: 'me/a:latest', environment: {FOO: 'a'}}, {name: 'b', image: 'me/b:latest', environment: {}}],
    port: 0,
    cwd: root,
    indexPath,
    log: (l) => lines.push(l),
  })
  try {
    assert.equal(h.urls.a, `${h.url}/function/a`)
    assert.equal(json(await request(`${h.urls.a}/echo`)).env.FOO, 'a')
    assert.equal((await request(h.urls.b, {method: 'POST', body: 'cat!'})).text, 'cat!')
    await request(`${h.urls.a}/log/hello`)
    await waitFor(() => lines.some((l) => l.startsWith('a | log line: hello')), 2000, 'prefixed function output')
  } finally {
    await h.stop()
  }
})

test('secrets come from ./.secrets; missing ones are named', async () => {
  await registerTestImage(indexPath, 'me/sec:latest', {mode: 'http', run: `${node} upstream.cjs`, port_env: 'http_port'})
  const project = tempDir('faas-proj-')
  const fn = {name: 'sec', image: 'me/sec', environment: {}, secrets: ['token']}
  await assert.rejects(startLocalRun({functions: [fn], port: 0, cwd: project, indexPath, log: () => {}}), /missing files: create the following secrets \(token\)/)
  fs.mkdirSync(path.join(project, '.secrets'))
  fs.writeFileSync(path.join(project, '.secrets', 'token'), 't0k3n')
  const h = await startLocalRun({functions: [fn], port: 0, cwd: project, indexPath, log: () => {}})
  try {
    assert.equal((await request(`${h.url}/secret/token`)).text, 't0k3n')
  } finally {
    await h.stop()
    fs.rmSync(project, {recursive: true, force: true})
  }
})

test('an image that was never built is a clear error', async () => {
  await assert.rejects(
    startLocalRun({functions: [{name: 'x', image: 'me/never-built', environment: {}}], port: 0, cwd: root, indexPath, log: () => {}}),
    /no host build of me\/never-built/,
  )
})

test('runLocalOnHost (the build pipeline seam) runs until the signal aborts', async () => {
  await registerTestImage(indexPath, 'me/seam:latest', {mode: 'http', run: `${node} upstream.cjs`, port_env: 'http_port'})
  const port = await freePort()
  const fn: StackFunction = {name: 'seam', image: 'me/seam:latest', lang: 'node20', handler: './seam'}
  const stack: Stack = {provider: {name: 'openfaas'}, functions: [fn], source: 'stack.yaml'}
  const abort = new AbortController()
  const lines: string[] = []
  const prevIndex = process.env.FAAS_IMAGE_INDEX
  process.env.FAAS_IMAGE_INDEX = indexPath
  try {
    const running = runLocalOnHost({fn, stack, port, env: {FOO: 'seam'}, signal: abort.signal, cwd: root, log: (l) => lines.push(l)})
    await waitFor(() => lines.some((l) => l.includes(`http://127.0.0.1:${port}`)), 5000, 'started')
    assert.equal(json(await request(`http://127.0.0.1:${port}/echo`)).env.FOO, 'seam')
    abort.abort()
    await running
    await assert.rejects(request(`http://127.0.0.1:${port}/echo`))
  } finally {
    if (prevIndex === undefined) delete process.env.FAAS_IMAGE_INDEX
    else process.env.FAAS_IMAGE_INDEX = prevIndex
  }
})
