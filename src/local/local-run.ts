/**
 * `faas local-run` without containers: runs built stack functions through the local runtime.
 *  - one function answers on --port directly, at `/` (like `docker run -p <port>:8080`), with
 *    the watchdog's /_/health and /_/ready;
 *  - several functions sit behind an embedded gateway on --port, at /function/<name> (with
 *    its /system API, so `faas invoke`/`faas logs -g` work against it);
 *  - `--watch`: after a change the caller rebuilds, then the function is reloaded: new process
 *    first, the old one finishes its requests, then stops.
 * Function output goes to the terminal. Secrets come from ./.secrets (like the container mode).
 */
import {promises as fs} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {FaasError} from '../errors.js'
import type {Stack, StackFunction} from '../stack/types.js'
import {localSecretsDir} from '../util/secret-files.js'
import {goLogTimestamp} from './clock.js'
import {DEFAULT_NAMESPACE} from './gateway/function-runtime.js'
import {baseEnvironment, functionEnvironment} from './sandbox/environment.js'
import {type EmbeddedGateway, startGateway} from './gateway/server.js'
import {type ImageIndexEntry, imageIndexPath, lookupImage, normaliseImageRef} from './image-index.js'
import {sourcePathRewriter} from './source-paths.js'
import {decodePath} from './watchdog/cgi-env.js'
import {readWatchdogConfig} from './watchdog/config.js'
import {sendText} from './watchdog/respond.js'
import {Watchdog} from './watchdog/watchdog.js'

export interface LocalRunFunction {
  name: string
  namespace?: string
  /** Image reference as built (resolved tag); looked up in the local image index. */
  image: string
  /** The function's environment (stack environment, environment_file, --env). */
  environment: Record<string, string>
  /** Stack `fprocess` (replaces the template's command). */
  fprocess?: string
  secrets?: string[]
  /** The project's handler folder: paths of the built copy in the function's output point here. */
  handlerDir?: string
}

export interface LocalRunOptions {
  functions: LocalRunFunction[]
  port: number
  host?: string
  /** Project folder: `.secrets/` is read from here. */
  cwd: string
  indexPath?: string
  /** Terminal output (function lines and notes). */
  log?: (line: string) => void
  env?: NodeJS.ProcessEnv
}

export interface LocalRunHandle {
  url: string
  /** URL of each function. */
  urls: Record<string, string>
  /** Picks up a new build of the function(s) (after a rebuild); a no-op once stopped. */
  reload(names?: string[]): Promise<void>
  /**
   * Resolves true once the function(s) serve requests (a crash-looping process is not up), or
   * false when another reload or stop came first.
   */
  ready(names?: string[]): Promise<boolean>
  stop(): Promise<void>
}

/** What the function prints, with paths of its built copy pointing at the handler folder (source-paths.ts). */
function outputRewriter(fn: LocalRunFunction, build: ImageIndexEntry): (line: string) => string {
  if (!fn.handlerDir) return (line) => line
  return sourcePathRewriter({runDir: build.dir, contextDir: build.source, handlerFolder: build.handler_folder ?? 'function', handlerDir: fn.handlerDir})
}

async function resolveBuild(fn: LocalRunFunction, indexPath: string): Promise<ImageIndexEntry> {
  const entry = await lookupImage(fn.image, indexPath)
  if (!entry) {
    throw new FaasError(`no host build of ${fn.image} for ${fn.name} in the local image index (${indexPath})`, {
      hint: 'build it first: faas build --builder host (or run local-run without --build=false)',
    })
  }
  return entry
}

export async function startLocalRun(opts: LocalRunOptions): Promise<LocalRunHandle> {
  if (opts.functions.length === 0) throw new FaasError('no function to run')
  const indexPath = opts.indexPath ?? imageIndexPath(opts.env ?? process.env)
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'))
  return opts.functions.length === 1 ? startSingle(opts, opts.functions[0], indexPath, log) : startSeveral(opts, indexPath, log)
}

/** One function on the port itself. */
async function startSingle(opts: LocalRunOptions, fn: LocalRunFunction, indexPath: string, log: (l: string) => void): Promise<LocalRunHandle> {
  const baseEnv = baseEnvironment(opts.env ?? process.env)
  const secrets = await localSecretsDir(opts.cwd, fn.secrets ?? [])
  const namespace = fn.namespace || DEFAULT_NAMESPACE
  const make = async () => {
    const build = await resolveBuild(fn, indexPath)
    const env = await functionEnvironment({
      baseEnv,
      build,
      envVars: fn.environment,
      envProcess: fn.fprocess,
      secretsDir: secrets,
      name: fn.name,
      namespace,
    })
    const rewrite = outputRewriter(fn, build)
    const wd = new Watchdog({
      config: readWatchdogConfig(env),
      env,
      cwd: build.dir,
      logs: (_stream, line) => log(rewrite(line)),
      errorStyle: 'gateway',
      restart: true,
      label: fn.name,
      portEnv: build.port_env,
    })
    wd.start()
    return wd
  }
  let current: Watchdog | undefined
  let stopped = false
  /** Earlier builds still finishing their requests after a reload. */
  const retiring = new Set<Watchdog>()
  const server = http.createServer({keepAliveTimeout: 65_000}, (req, res) => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const rawPath = q === -1 ? url : url.slice(0, q)
    const wd = current
    if (!wd) {
      req.resume()
      return sendText(res, 503, 'the function is not running\n')
    }
    if (rawPath === '/_/health' || rawPath === '/_/ready') {
      req.resume()
      if (req.method !== 'GET') return sendText(res, 405, '', [], '')
      if (rawPath === '/_/health') return sendText(res, 200, 'OK')
      void wd.readiness(req.rawHeaders).then((status) => sendText(res, status, '', [], ''))
      return
    }
    wd.handle(req, res, {path: url, decodedPath: decodePath(rawPath), query: q === -1 ? '' : url.slice(q + 1)})
  })
  // the port first: when it is taken, fail before any function process is started
  await listen(server, opts.port, opts.host ?? '127.0.0.1')
  try {
    current = await make()
  } catch (err) {
    await new Promise<void>((r) => server.close(() => r()))
    throw err
  }
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as {port: number}).port}`
  return {
    url,
    urls: {[fn.name]: url},
    async reload() {
      if (stopped) return
      const next = await make()
      if (stopped) {
        await next.stop()
        return
      }
      const old = current!
      current = next
      retiring.add(old)
      void old.drain(10_000).then(() => old.stop()).finally(() => retiring.delete(old))
    },
    async ready() {
      for (;;) {
        const wd = current
        if (stopped || !wd) return false
        try {
          await wd.whenReady(0)
          return !stopped && current === wd
        } catch {
          // it exited before it was up: it restarts by itself; wait for that attempt
          if (stopped || current !== wd) return false
        }
      }
    },
    async stop() {
      stopped = true
      const closed = new Promise<void>((r) => server.close(() => r()))
      server.closeAllConnections()
      await Promise.all([current?.stop(), ...[...retiring].map((wd) => wd.stop())])
      await closed
    },
  }
}

/** Several functions behind an embedded gateway (temporary state). */
async function startSeveral(opts: LocalRunOptions, indexPath: string, log: (l: string) => void): Promise<LocalRunHandle> {
  const secrets = await localSecretsDir(opts.cwd, opts.functions.flatMap((f) => f.secrets ?? []))
  const rewriters = new Map<string, (line: string) => string>()
  const resolveRewriter = async (fn: LocalRunFunction) => rewriters.set(fn.name, outputRewriter(fn, await resolveBuild(fn, indexPath)))
  for (const fn of opts.functions) await resolveRewriter(fn)
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'faas-local-run-'))
  const width = Math.max(...opts.functions.map((f) => f.name.length))
  let gw: EmbeddedGateway
  try {
    gw = await startGateway({
      port: opts.port,
      host: opts.host ?? '127.0.0.1',
      dataDir,
      imageIndexPath: indexPath,
      env: opts.env,
      // the developer's own functions, in the foreground: no sandbox, as `local-run` of one function
      sandbox: 'none',
      maxRequestBodyBytes: 0,
      onEvent: (m) => log(`${goLogTimestamp()} ${m}`),
      onFunctionLog: (name, _instance, line) => log(`${name.padEnd(width)} | ${rewriters.get(name)?.(line) ?? line}`),
    })
  } catch (err) {
    await fs.rm(dataDir, {recursive: true, force: true})
    throw err
  }
  const call = async (method: string, p: string, body: unknown) => {
    const res = await fetch(gw.url + p, {method, body: JSON.stringify(body), headers: {'Content-Type': 'application/json'}})
    const text = await res.text()
    if (res.status >= 300) throw new FaasError(`local gateway: ${method} ${p}: ${res.status} ${text.trim()}`)
  }
  const namespaces = new Set(opts.functions.map((f) => f.namespace || DEFAULT_NAMESPACE))
  for (const ns of namespaces) {
    if (ns !== DEFAULT_NAMESPACE) await call('POST', '/system/namespace/', {name: ns, labels: {openfaas: '1'}})
    if (secrets) {
      for (const name of await fs.readdir(secrets)) {
        const value = await fs.readFile(path.join(secrets, name))
        await call('POST', '/system/secrets', {name, namespace: ns, rawValue: value.toString('base64')}).catch(() => {})
      }
    }
  }
  const deployment = (fn: LocalRunFunction) => ({
    service: fn.name,
    image: normaliseImageRef(fn.image),
    namespace: fn.namespace || DEFAULT_NAMESPACE,
    envProcess: fn.fprocess,
    envVars: fn.environment,
    secrets: fn.secrets,
    labels: {},
    annotations: {},
  })
  try {
    for (const fn of opts.functions) await call('POST', '/system/functions', deployment(fn))
  } catch (err) {
    await gw.close()
    await fs.rm(dataDir, {recursive: true, force: true})
    throw err
  }
  const urls: Record<string, string> = {}
  for (const fn of opts.functions) {
    const ns = fn.namespace || DEFAULT_NAMESPACE
    urls[fn.name] = `${gw.url}/function/${fn.name}${ns === DEFAULT_NAMESPACE ? '' : '.' + ns}`
  }
  let stopped = false
  let reloads = 0
  const availableReplicas = async (fn: LocalRunFunction) => {
    const ns = fn.namespace || DEFAULT_NAMESPACE
    const res = await fetch(`${gw.url}/system/function/${fn.name}?namespace=${encodeURIComponent(ns)}`).catch(() => undefined)
    if (!res?.ok) return 0
    return Number(((await res.json()) as {availableReplicas?: number}).availableReplicas ?? 0)
  }
  return {
    url: gw.url,
    urls,
    async reload(names) {
      if (stopped) return
      reloads++
      for (const fn of opts.functions) {
        if (names && !names.includes(fn.name)) continue
        await resolveRewriter(fn)
        await call('PUT', '/system/functions', deployment(fn))
      }
    },
    async ready(names) {
      const generation = reloads
      const waiting = opts.functions.filter((fn) => !names || names.includes(fn.name))
      while (!stopped && generation === reloads) {
        const up = await Promise.all(waiting.map((fn) => availableReplicas(fn)))
        if (up.every((n) => n > 0)) return !stopped && generation === reloads
        await new Promise((r) => setTimeout(r, 200))
      }
      return false
    },
    async stop() {
      stopped = true
      await gw.close()
      await fs.rm(dataDir, {recursive: true, force: true})
    },
  }
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new FaasError(`port ${port} is already in use`, {hint: 'pick another one with --port (0 = any free port)'}))
      else reject(err)
    })
    server.listen(port, host, () => resolve())
  })
}

/** One function as host mode runs it. */
export interface HostFunction {
  fn: StackFunction
  /** The image as built (resolved --tag); default: the stack's image with `:latest`. */
  image?: string
  /** The function's merged environment (environment ← environment_file ← --env). */
  env: Record<string, string>
}

/** How host mode runs: where, until when, and whether it watches for changes. */
interface HostRunOptions {
  stack: Stack
  port: number
  signal?: AbortSignal
  cwd?: string
  host?: string
  /** Rebuild and reload on changes (needs `rebuild`). */
  watch?: boolean
  /** Rebuilds the given functions (called after a change when `watch` is set). */
  rebuild?: (names: string[]) => Promise<void>
  log?: (line: string) => void
}

/** What the build pipeline's `local-run` hands over in host mode (one function). */
export type LocalRunOnHostInput = HostFunction & HostRunOptions

/** Runs one stack function on the host until `signal` aborts. */
export async function runLocalOnHost(input: LocalRunOnHostInput): Promise<void> {
  return runLocalFunctionsOnHost({...input, functions: [{fn: input.fn, image: input.image, env: input.env}]})
}

/** Runs several stack functions (behind gateway routes) until `signal` aborts. */
export async function runLocalFunctionsOnHost(input: HostRunOptions & {functions: HostFunction[]}): Promise<void> {
  const cwd = input.cwd ?? process.cwd()
  const log = input.log ?? ((line: string) => process.stderr.write(line + '\n'))
  const functions: LocalRunFunction[] = input.functions.map(({fn, image, env}) => ({
    name: fn.name,
    namespace: fn.namespace,
    image: image ?? normaliseImageRef(fn.image ?? fn.name),
    environment: env,
    fprocess: fn.fprocess,
    secrets: fn.secrets,
    handlerDir: fn.handler ? path.resolve(cwd, fn.handler) : undefined,
  }))
  const handle = await startLocalRun({functions, port: input.port, host: input.host, cwd, log})
  for (const [name, url] of Object.entries(handle.urls)) log(`${name} is running on the host: ${url}`)
  log('Press Control+C to stop.')
  const stopped = new Promise<void>((resolve) => {
    if (input.signal?.aborted) resolve()
    input.signal?.addEventListener('abort', () => resolve(), {once: true})
  })
  if (input.watch && input.rebuild) {
    const {watchFunctions, DEFAULT_DEBOUNCE_MS} = await import('../build/watch.js')
    const rebuild = input.rebuild
    const watching = watchFunctions({
      cwd,
      functions: input.functions.map((f) => f.fn),
      debounceMs: DEFAULT_DEBOUNCE_MS,
      signal: input.signal,
      log,
      onChange: async (change) => {
        const names = change.stackChanged ? functions.map((f) => f.name) : change.functions
        if (!names.length) return
        log(`\nChange detected: rebuilding ${names.join(', ')}`)
        try {
          await rebuild(names)
          // Ctrl-C during the rebuild: do not start the new build
          if (input.signal?.aborted) return
          await handle.reload(names)
        } catch (err) {
          log(`Rebuild failed: ${(err as Error).message}`)
          return
        }
        // "Reloaded" once the new build serves requests: not while it crash-loops (its output
        // and the restarts show what is wrong), and not at all when a newer change came first
        void handle.ready(names).then((up) => {
          if (up && !input.signal?.aborted) log(`Reloaded ${names.join(', ')}`)
        })
      },
    })
    await Promise.race([stopped, watching])
  }
  await stopped
  await handle.stop()
}
