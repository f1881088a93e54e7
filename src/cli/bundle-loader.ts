/**
 * How the bundle runs (bin/run.js → dist/bundle/loader.cjs): every file of dist/bundle is a
 * CommonJS module that this loader compiles itself, with V8's code cache.
 *
 * Why: most of a command's start-up was Node's ESM loader (resolving, reading and compiling ~30
 * chunks, ~40% of `faas list`'s CPU on Node 20, which has no compile cache), and V8 compiling
 * the functions the command then calls. Here each file is read synchronously, compiled as a
 * vm.Script from the cached data of an earlier run, and required by relative path with no
 * resolution. The cache is written when the process exits, after the command ran, so it holds
 * the bytecode of every function the command used, not only the top level.
 *
 * The cache:
 * - lives in `$XDG_CACHE_HOME/faas/code-cache/<node version>-<arch>-<build id>/` (else
 *   `~/.cache/faas/…`): one folder per build of faas and per Node, so a cache never meets other
 *   sources (the build id is a hash of every bundle file) or another V8; V8 itself checks its
 *   version, flags and the source length, and rejects data that does not fit;
 * - is used only from a folder that belongs to this user and that nobody else can write to;
 * - is written when a run loaded a file without usable cached data (the first run of each
 *   command, or after a rejection): then every file the run loaded is written again, so the
 *   shared files (oclif, got) hold what each command used; a run with nothing new writes nothing;
 * - is written atomically (temporary file, then rename), so parallel runs never see half a file;
 * - is off with `NODE_DISABLE_COMPILE_CACHE=1` (Node's own switch for its compile cache), or
 *   when there is no home folder; any error reading or writing it only means no cache.
 * A new build folder removes the older ones, keeping the three most recently used.
 */
import fs from 'node:fs'
import Module from 'node:module'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import vm from 'node:vm'

/** The build id (scripts/build.mjs defines it for dist/bundle/loader.cjs). */
declare const __FAAS_BUILD_ID__: string

/** Older build folders kept beside the current one (a second faas install, another Node). */
const KEEP_OTHER_BUILDS = 3

type Wrapper = (
  exports: unknown,
  require: NodeJS.Require,
  module: BundleModule,
  filename: string,
  dirname: string,
  meta: {readonly url: string},
) => void

interface BundleModule {
  exports: unknown
  id: string
  filename: string
  loaded: boolean
}

interface Compiled {
  script: vm.Script
  cacheFile: string
}

/** The code-cache folder for this build and Node, or undefined when caching is off. */
export function codeCacheDir(env: NodeJS.ProcessEnv, buildId: string, nodeVersion = process.version, arch = process.arch): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE && env.NODE_DISABLE_COMPILE_CACHE !== '0') return undefined
  // a relative XDG_CACHE_HOME is invalid (XDG base directory spec): ignored
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined
  const base = xdg ?? (env.HOME && path.isAbsolute(env.HOME) ? path.join(env.HOME, '.cache') : undefined)
  if (!base || !/^[\w.-]+$/.test(buildId)) return undefined
  return path.join(base, 'faas', 'code-cache', `${nodeVersion}-${arch}-${buildId}`)
}

/** Our own folder, writable by us alone: a cache anybody else could write would be their code. */
function trustedDir(dir: string): boolean {
  try {
    const st = fs.statSync(dir)
    const uid = process.getuid?.()
    return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0
  } catch {
    return false
  }
}

export class BundleLoader {
  private readonly modules = new Map<string, BundleModule>()
  private readonly compiled: Compiled[] = []
  /** A file was compiled without usable cached data: the cache is written at exit. */
  private missed = false
  private readonly useCache: boolean
  private nodeRequire?: NodeJS.Require

  /**
   * @param root the bundle folder: a relative `require` of a `.cjs` file inside it loads here
   * @param cacheDir where cached data is read and written (undefined: no cache)
   */
  constructor(
    private readonly root: string,
    private readonly cacheDir: string | undefined,
  ) {
    this.useCache = cacheDir !== undefined && trustedDir(cacheDir)
  }

  /** Loads `file` (a path inside the bundle) once, as Node's require would, and returns its exports. */
  load(file: string): unknown {
    const known = this.modules.get(file)
    if (known) return known.exports
    const module: BundleModule = {exports: {}, id: file, filename: file, loaded: false}
    this.modules.set(file, module)
    try {
      const dir = path.dirname(file)
      let url: string | undefined
      const meta = {
        get url() {
          return (url ??= pathToFileURL(file).href)
        },
      }
      this.compile(file)(module.exports, this.requireFor(dir), module, file, dir, meta)
      module.loaded = true
      return module.exports
    } catch (error) {
      this.modules.delete(file)
      throw error
    }
  }

  /** Writes the cached data of every file loaded, if any was compiled without it. */
  save(): void {
    if (!this.missed || !this.cacheDir) return
    try {
      const fresh = !fs.existsSync(this.cacheDir)
      fs.mkdirSync(this.cacheDir, {recursive: true, mode: 0o700})
      if (!trustedDir(this.cacheDir)) return
      const suffix = `.${process.pid}.${Date.now().toString(36)}.tmp`
      for (const {script, cacheFile} of this.compiled) {
        const tmp = cacheFile + suffix
        try {
          fs.writeFileSync(tmp, script.createCachedData(), {mode: 0o600})
          fs.renameSync(tmp, cacheFile)
        } catch {
          fs.rmSync(tmp, {force: true})
        }
      }
      if (fresh) this.pruneOtherBuilds()
    } catch {
      // no cache this time: the next run compiles again
    }
  }

  private compile(file: string): Wrapper {
    const source = fs.readFileSync(file, 'utf8')
    // `chunks/x.cjs` → `chunks~x.cjs` (every file loaded is inside root)
    const cacheFile = this.cacheDir ? `${this.cacheDir}${path.sep}${file.slice(this.root.length + 1).replaceAll(path.sep, '~')}` : ''
    let cachedData: Buffer | undefined
    if (this.useCache) {
      try {
        cachedData = fs.readFileSync(cacheFile)
      } catch {
        // none yet
      }
    }
    // the wrapper is on the source's first line: positions in stack traces stay right (the
    // build starts each file that was an ES module with 'use strict', as ES modules are)
    const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __faasMeta) {${source}\n})`, {filename: file, cachedData})
    if (!cachedData || script.cachedDataRejected) this.missed = true
    if (cacheFile) this.compiled.push({script, cacheFile})
    return script.runInThisContext() as Wrapper
  }

  /** `require` inside a bundle file: the bundle's own files load here, the rest through Node. */
  private requireFor(dir: string): NodeJS.Require {
    const node = () => (this.nodeRequire ??= Module.createRequire(path.join(this.root, 'loader.cjs')))
    const req = ((id: string) => {
      if (id.endsWith('.cjs') && (id.startsWith('./') || id.startsWith('../') || path.isAbsolute(id))) {
        // the bundle's own `./chunk-X.cjs` is joined as text (path.resolve costs ~30 µs a call)
        const file = id.startsWith('./') && !id.includes('/.', 1) ? `${dir}${path.sep}${id.slice(2)}` : path.resolve(dir, id)
        if (file.startsWith(this.root + path.sep)) return this.load(file)
      }
      return node()(id)
    }) as NodeJS.Require
    Object.defineProperties(req, {
      resolve: {value: (id: string, options?: {paths?: string[]}) => node().resolve(id, options)},
      cache: {get: () => node().cache},
      main: {get: () => node().main},
      extensions: {get: () => node().extensions},
    })
    return req
  }

  /** Removes the build folders beside this one, but the most recently used few. */
  private pruneOtherBuilds(): void {
    const parent = path.dirname(this.cacheDir!)
    const others = fs
      .readdirSync(parent)
      .filter((name) => path.join(parent, name) !== this.cacheDir)
      .map((name) => ({dir: path.join(parent, name), mtime: fs.statSync(path.join(parent, name)).mtimeMs}))
      .sort((a, b) => b.mtime - a.mtime)
    for (const {dir} of others.slice(KEEP_OTHER_BUILDS)) fs.rmSync(dir, {recursive: true, force: true})
  }
}

/**
 * Loads a bundle entry (`…/dist/bundle/faas.cjs`) with the code cache of this build, and
 * writes the cache when the process exits.
 */
export function loadEntry(file: string): unknown {
  const loader = new BundleLoader(path.dirname(file), codeCacheDir(process.env, __FAAS_BUILD_ID__))
  process.once('exit', () => loader.save())
  return loader.load(file)
}
