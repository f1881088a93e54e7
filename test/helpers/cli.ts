/**
 * Run the built CLI (`node bin/run.js …`) as a user would: a separate process, a temporary HOME
 * (so no real ~/.openfaas is read or written), no CI variable unless the test sets it.
 */
import {spawn} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

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
