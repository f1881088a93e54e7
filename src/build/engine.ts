/**
 * The only place that runs a container engine (docker or podman). Everything else builds argv
 * as data (`argv.ts`) and hands it here. Engines are found on PATH without running them, so a
 * run never makes engine calls it does not need (scripts and tests count them).
 */

import {FaasError} from '../errors.js'
import {findExecutable} from '../util/executable.js'
import type {ContainerEngine} from './argv.js'

export {findExecutable}

export type BuilderKind = ContainerEngine | 'host'

export const ENGINE_ENV = 'OPENFAAS_CONTAINER_ENGINE'

const INSTALL_HINTS: Record<ContainerEngine, string> = {
  docker: 'Install Docker (Debian/Ubuntu: apt-get install docker.io; others: https://docs.docker.com/engine/install/), or use --engine podman',
  podman: 'Install Podman (Debian/Ubuntu: apt-get install podman; others: https://podman.io/docs/installation), or use --engine docker',
}

export const BUILDX_HINT =
  'Install the buildx plugin (Debian/Ubuntu: apt-get install docker-buildx; Docker\'s packages: docker-buildx-plugin; https://docs.docker.com/go/buildx/), or publish with --engine podman'

export function parseBuilderKind(value: string, flag: string): BuilderKind {
  const v = value.trim().toLowerCase()
  if (v === 'docker' || v === 'podman' || v === 'host') return v
  throw new FaasError(`${flag} must be docker, podman or host, not "${value}"`)
}

/**
 * Which builder to use: `--builder`, else `--engine`, else OPENFAAS_CONTAINER_ENGINE, else the
 * first of docker, podman found on PATH, else `host` when the caller can build without
 * containers (`allowHost`). A named engine that is not installed is an error with an install hint.
 */
export async function resolveBuilder(opts: {
  builder?: string
  engine?: string
  env?: NodeJS.ProcessEnv
  allowHost?: boolean
}): Promise<BuilderKind> {
  const env = opts.env ?? process.env
  let chosen: BuilderKind | undefined
  if (opts.builder) chosen = parseBuilderKind(opts.builder, '--builder')
  else if (opts.engine) chosen = parseBuilderKind(opts.engine, '--engine')
  else if (env[ENGINE_ENV]) chosen = parseBuilderKind(env[ENGINE_ENV]!, ENGINE_ENV)
  if (chosen === 'host') {
    if (!opts.allowHost) throw new FaasError('this command needs a container engine (docker or podman); the host builder cannot do it', {hint: INSTALL_HINTS.docker})
    return 'host'
  }
  if (chosen) {
    await requireEngine(chosen, env)
    return chosen
  }
  for (const engine of ['docker', 'podman'] as const) if (await findExecutable(engine, env)) return engine
  if (opts.allowHost) return 'host'
  throw new FaasError('no container engine found: neither docker nor podman is on PATH', {hint: INSTALL_HINTS.docker})
}

/** Throw a FaasError with an install hint unless `engine` is on PATH. */
export async function requireEngine(engine: ContainerEngine, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const found = await findExecutable(engine, env)
  if (!found) throw new FaasError(`${engine} is not installed (not found on PATH)`, {hint: INSTALL_HINTS[engine]})
  return found
}

export interface EngineRunOptions {
  cwd: string
  /** The child's environment (default: this process's). */
  baseEnv?: NodeJS.ProcessEnv
  /** Added to the base environment. */
  env?: Record<string, string>
  /** Each output line as it arrives (both streams); when absent output is only collected. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  /** Give the child the terminal (stdin/stdout/stderr), e.g. for `local-run`. */
  inherit?: boolean
  signal?: AbortSignal
}

export interface EngineRunResult {
  exitCode: number
  /** The tail (last 64 KiB) of stderr, for error messages. */
  stderr: string
  stdout: string
}

const TAIL = 64 * 1024

/**
 * Run `<engine> <args…>` and resolve with its exit code and output tails; never rejects for a
 * non-zero exit. A missing executable becomes a FaasError with an install hint.
 *
 * node:child_process directly (not execa): a parallel build spawns one engine per function, and
 * each spawn holds the event loop, which every other running build then waits on.
 */
export async function runEngine(engine: ContainerEngine, args: readonly string[], opts: EngineRunOptions): Promise<EngineRunResult> {
  const {spawn} = await import('node:child_process')
  let stdout = ''
  let stderr = ''
  const keep = (buf: string, more: string) => (buf.length + more.length > TAIL ? (buf + more).slice(-TAIL) : buf + more)
  const pump = (stream: NodeJS.ReadableStream | null | undefined, name: 'stdout' | 'stderr') => {
    if (!stream) return
    let partial = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      if (name === 'stdout') stdout = keep(stdout, chunk)
      else stderr = keep(stderr, chunk)
      if (!opts.onLine) return
      const lines = (partial + chunk).split(/\r?\n/)
      partial = lines.pop() ?? ''
      for (const line of lines) opts.onLine(line, name)
    })
    stream.on('end', () => {
      if (partial && opts.onLine) opts.onLine(partial, name)
      partial = ''
    })
  }
  return new Promise<EngineRunResult>((resolve, reject) => {
    const io = opts.inherit ? 'inherit' : 'pipe'
    const child = spawn(engine, args, {cwd: opts.cwd, env: {...(opts.baseEnv ?? process.env), ...opts.env}, stdio: [opts.inherit ? 'inherit' : 'ignore', io, io]})
    let cancelled = false
    let killer: NodeJS.Timeout | undefined
    const onAbort = () => {
      cancelled = true
      child.kill('SIGTERM')
      // like execa's forceKillAfterDelay
      killer = setTimeout(() => child.kill('SIGKILL'), 5000)
      killer.unref()
    }
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, {once: true})
    const settle = () => {
      opts.signal?.removeEventListener('abort', onAbort)
      if (killer) clearTimeout(killer)
    }
    pump(child.stdout, 'stdout')
    pump(child.stderr, 'stderr')
    child.once('error', (error: NodeJS.ErrnoException) => {
      settle()
      if (error.code === 'ENOENT') reject(new FaasError(`${engine} is not installed (not found on PATH)`, {hint: INSTALL_HINTS[engine]}))
      else resolve({exitCode: 1, stdout, stderr: stderr || error.message})
    })
    child.once('close', (code) => {
      settle()
      if (cancelled) reject(new FaasError(`${engine} ${args[0] ?? ''} was cancelled`))
      else resolve({exitCode: code ?? 1, stdout, stderr})
    })
  })
}

/** Publish needs `docker buildx`; fail early with an install hint when the plugin is missing. */
export async function requireBuildx(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await requireEngine('docker', env)
  const r = await runEngine('docker', ['buildx', 'version'], {cwd, baseEnv: env})
  if (r.exitCode !== 0) {
    throw new FaasError(`docker buildx is not available: ${(r.stderr || r.stdout).trim().split('\n')[0] || `exit code ${r.exitCode}`}`, {hint: BUILDX_HINT})
  }
}
