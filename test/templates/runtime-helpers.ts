/**
 * Running a shipped template's runtime server on the host, as the local runtime will: a build
 * context made like `faas build --shrinkwrap` (template files + handler in function/), the
 * `host.build` steps, then `host.run` with the port in `host.port_env`.
 */
import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import {cpSync, rmSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'

import {shippedTemplatesDir} from '../../src/templates/paths.js'
import {readTemplateSpec} from '../../src/templates/spec.js'
import {type Files, tmp, writeFiles} from './helpers.js'

export function hasProgram(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the function exited (${child.exitCode}) before listening:\n${output()}`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`the function did not listen on ${port}:\n${output()}`)
}

export interface RunningFunction {
  url: string
  dir: string
  output(): string
  stop(): Promise<void>
}

/** A build context of shipped template `lang` with `handlerFiles` over its sample handler. */
export function buildContext(lang: string, handlerFiles: Files = {}): string {
  const dir = path.join(tmp('faas-runtime-'), lang)
  cpSync(path.join(shippedTemplatesDir(), lang), dir, {recursive: true})
  writeFiles(path.join(dir, 'function'), handlerFiles)
  return dir
}

/** Runs the template's host build steps and starts host.run on a free loopback port. */
export async function startFunction(lang: string, handlerFiles: Files = {}, env: NodeJS.ProcessEnv = {}): Promise<RunningFunction> {
  const dir = buildContext(lang, handlerFiles)
  const spec = await readTemplateSpec(dir)
  const host = spec.host!
  for (const step of host.build) execFileSync('sh', ['-c', step], {cwd: dir, stdio: 'pipe'})
  const port = await freePort()
  const child = spawn('sh', ['-c', `exec ${host.run}`], {
    cwd: dir,
    env: {...process.env, ...host.environment, ...env, [host.port_env!]: String(port)},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d))
  child.stderr!.on('data', (d: Buffer) => (out += d))
  await waitForPort(port, child, () => out)
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))])
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      }
      rmSync(path.dirname(dir), {recursive: true, force: true})
    },
  }
}

/** A request body sent with Transfer-Encoding: chunked, as the of-watchdog sends it. */
export function chunkedBody(parts: string[]): {body: ReadableStream<Uint8Array>; duplex: 'half'} {
  const encoder = new TextEncoder()
  return {
    body: new ReadableStream({
      start(controller) {
        for (const p of parts) controller.enqueue(encoder.encode(p))
        controller.close()
      },
    }),
    duplex: 'half',
  }
}
