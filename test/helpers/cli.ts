/**
 * Run the built CLI (`node bin/run.js …`) as a user would: a separate process, a temporary HOME
 * (so no real ~/.openfaas is read or written), no CI variable unless the test sets it.
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import net from 'node:net'

/** The repository root (tests run from dist/test/…). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const binPath = path.join(repoRoot, 'bin', 'run.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunCliOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  input?: string | Buffer
  timeoutMs?: number
}

export function tempDir(prefix = 'faas-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix))
}

/** A clean environment: the parent's PATH and nothing that changes faas behaviour. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {PATH: process.env.PATH, LANG: 'C.UTF-8', TZ: 'UTC', HOME: tempDir('faas-home-')}
  return {...env, ...extra}
}

export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: options.cwd ?? tempDir(),
      env: options.env ?? cleanEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => err.push(d))
    child.stdin.on('error', () => {})
    child.stdin.end(options.input ?? '')
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`faas ${args.join(' ')} timed out after ${options.timeoutMs ?? 30_000} ms\nstdout: ${Buffer.concat(out)}\nstderr: ${Buffer.concat(err)}`))
    }, options.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString()})
    })
  })
}

export interface Background {
  child: ChildProcess
  /** The first capture group of `ready` (e.g. the URL it prints). */
  url: string
  /** stdout and stderr so far. */
  output: () => string
  /** Sends `signal` and resolves with the exit code once it has exited. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

/**
 * Starts `faas <args>` as a long-running process and resolves once its stderr matches `ready`
 * (by default the gateway's and watchdog's `listening on <url>` line).
 */
export function startInBackground(
  args: string[],
  options: {env: NodeJS.ProcessEnv; cwd?: string; ready?: RegExp; timeoutMs?: number},
): Promise<Background> {
  const ready = options.ready ?? /listening on (http:\/\/[\d.:[\]]+)/
  const child = spawn(process.execPath, [binPath, ...args], {cwd: options.cwd ?? tempDir(), env: options.env, stdio: ['ignore', 'pipe', 'pipe']})
  let text = ''
  child.stdout!.on('data', (c: Buffer) => (text += c))
  const stop = (signal: NodeJS.Signals = 'SIGINT') =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode)
      child.once('exit', (code) => resolve(code))
      child.kill(signal)
    })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`faas ${args.join(' ')} did not start:\n${text}`))
    }, options.timeoutMs ?? 15_000)
    child.stderr!.on('data', (c: Buffer) => {
      text += c
      const m = ready.exec(text)
      if (m) {
        clearTimeout(timer)
        resolve({child, url: m[1] ?? '', output: () => text, stop})
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`faas ${args.join(' ')} exited with ${code}:\n${text}`))
    })
  })
}

/** `http://127.0.0.1:PORT` where nothing listens (a port bound, then released): requests fail fast. */
export async function deadGatewayUrl(): Promise<string> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

