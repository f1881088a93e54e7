/**
 * `npm run demo`: the README's main job on this machine, with no Docker and no Kubernetes.
 * Makes a temporary function from the shipped node20 template, starts the embedded gateway,
 * runs `faas up` and `faas invoke`, prints the function's answer, and stops everything.
 * Everything it writes (project, image index, gateway data) lives in one temporary folder.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {freeLoopbackPort as freePort} from '../src/util/ports.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const bin = path.join(repoRoot, 'bin', 'run.js')

function say(text: string): void {
  process.stderr.write(`${text}\n`)
}

/** Runs `faas <args>`; resolves with stdout, rejects with the output on a non-zero exit. */
function faas(args: string[], opts: {cwd: string; env: NodeJS.ProcessEnv; input?: string}): Promise<string> {
  say(`$ faas ${args.join(' ')}${opts.input !== undefined ? ` <<< ${JSON.stringify(opts.input)}` : ''}`)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c))
    child.stderr.on('data', (c: Buffer) => (err += c))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve(out)
      else reject(new Error(`faas ${args[0]} exited with code ${code}\n${out}${err}`))
    })
    child.stdin.end(opts.input ?? '')
  })
}

async function waitForGateway(url: string, gateway: ChildProcess, timeoutMs = 15_000): Promise<void> {
  const started = Date.now()
  for (;;) {
    if (gateway.exitCode !== null) throw new Error(`the gateway exited with code ${gateway.exitCode}`)
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`the gateway did not start within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'faas-demo-'))
  const project = path.join(work, 'project')
  await fs.mkdir(project)
  const port = await freePort()
  const gatewayUrl = `http://127.0.0.1:${port}`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FAAS_IMAGE_INDEX: path.join(work, 'images', 'index.json'),
    OPENFAAS_URL: gatewayUrl,
    OPENFAAS_CONFIG: path.join(work, 'openfaas'),
    NO_COLOR: '1',
  }
  let gateway: ChildProcess | undefined
  let gatewayLog = ''
  try {
    say(`faas demo: no Docker, no Kubernetes; working in ${work}\n`)
    await faas(['new', 'hello', '--lang', 'node20', '--quiet'], {cwd: project, env})

    say(`$ faas gateway --port ${port} --data-dir ${path.join(work, 'gateway')}  (in the background)`)
    gateway = spawn(process.execPath, [bin, 'gateway', '--port', String(port), '--data-dir', path.join(work, 'gateway')], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    gateway.stdout!.on('data', (c: Buffer) => (gatewayLog += c))
    gateway.stderr!.on('data', (c: Buffer) => (gatewayLog += c))
    await waitForGateway(gatewayUrl, gateway)

    await faas(['up', '-g', gatewayUrl], {cwd: project, env})
    const answer = await faas(['invoke', 'hello', '-g', gatewayUrl], {cwd: project, env, input: 'faas demo'})
    say('\nThe function answered:')
    process.stdout.write(answer.endsWith('\n') ? answer : answer + '\n')
  } catch (err) {
    say(`\ndemo failed: ${(err as Error).message}`)
    if (gatewayLog) say(`\ngateway output:\n${gatewayLog}`)
    process.exitCode = 1
  } finally {
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((r) => gateway!.once('exit', r))
      gateway.kill('SIGINT')
      const timer = setTimeout(() => gateway!.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    await fs.rm(work, {recursive: true, force: true})
    say('stopped the gateway and removed the temporary files')
  }
}

await main()
