/**
 * `--watch` for up / local-run: watch the stack file and every handler folder, wait for changes
 * to settle (debounce), then act on only the functions whose folder changed (all of them when
 * the stack file changed). `.gitignore` rules of the project apply when the file exists (faas-cli
 * required it, §10); `.git`, `build/` and the handler's own `build`/`template` are always ignored.
 */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

import type {StackFunction} from '../stack/types.js'

export const DEFAULT_DEBOUNCE_MS = 1500

export interface WatchOptions {
  cwd: string
  /** Absolute path of the stack file, or undefined. */
  stackFile?: string
  functions: readonly StackFunction[]
  debounceMs?: number
  /**
   * Called with the functions whose folders changed (stackChanged: the stack file changed). One
   * call at a time. May return the (reloaded) functions, whose new handler folders get watched too.
   */
  onChange: (change: {functions: string[]; stackChanged: boolean; paths: string[]}) => Promise<void | readonly StackFunction[]>
  log?: (text: string) => void
  signal?: AbortSignal
  /** Called once the watcher is ready (tests wait for it). */
  onReady?: () => void
}

export interface IgnoreMatcher {
  (absPath: string, isDir?: boolean): boolean
}

/** The ignore rules: `.git` anywhere, `<cwd>/build`, handler-level build/template, then .gitignore. */
export async function ignoreMatcher(cwd: string, handlerDirs: readonly string[]): Promise<IgnoreMatcher> {
  const {default: ignore} = await import('ignore')
  const ig = ignore()
  const gitignore = path.join(cwd, '.gitignore')
  if (existsSync(gitignore)) ig.add(readFileSync(gitignore, 'utf8'))
  const buildDir = path.join(cwd, 'build')
  return (abs, isDir) => {
    const rel = path.relative(cwd, abs)
    if (rel.split(path.sep).includes('.git')) return true
    if (abs === buildDir || abs.startsWith(buildDir + path.sep)) return true
    for (const h of handlerDirs) {
      const r = path.relative(h, abs)
      if (!r || r.startsWith('..') || path.isAbsolute(r)) continue
      const top = r.split(path.sep)[0]
      if (top === 'build' || top === 'template') return true
    }
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return false
    const posix = rel.split(path.sep).join('/')
    return ig.ignores(posix) || (isDir === true && ig.ignores(`${posix}/`))
  }
}

/** Which functions own `absPath` (a handler folder holds it). */
export function functionsForPath(cwd: string, functions: readonly StackFunction[], absPath: string): string[] {
  return functions.filter((fn) => {
    if (!fn.handler) return false
    const r = path.relative(path.resolve(cwd, fn.handler), absPath)
    return r === '' || (!r.startsWith('..') && !path.isAbsolute(r))
  }).map((fn) => fn.name)
}

/** Watch until the signal fires. Resolves after the watcher is closed. */
export async function watchFunctions(opts: WatchOptions): Promise<void> {
  const {watch} = await import('chokidar')
  let functions = opts.functions
  const dirsOf = (fns: readonly StackFunction[]) => fns.filter((f) => f.handler && !f.skip_build).map((f) => path.resolve(opts.cwd, f.handler!))
  const handlerDirs = dirsOf(functions)
  const ignored = await ignoreMatcher(opts.cwd, handlerDirs)
  const targets = [...new Set([...(opts.stackFile ? [opts.stackFile] : []), ...handlerDirs])]
  const watcher = watch(targets, {
    ignoreInitial: true,
    ignored: (p, stats) => ignored(path.resolve(p), stats?.isDirectory()),
  })

  const debounceMs = opts.debounceMs ?? DEFAULT_DEBOUNCE_MS
  let pending = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let again = false

  const flush = async (): Promise<void> => {
    if (running) {
      again = true
      return
    }
    const paths = [...pending]
    pending = new Set()
    if (!paths.length) return
    const stackChanged = opts.stackFile !== undefined && paths.some((p) => p === opts.stackFile)
    const names = new Set<string>()
    for (const p of paths) for (const n of functionsForPath(opts.cwd, functions, p)) names.add(n)
    running = opts.onChange({functions: [...names], stackChanged, paths}).then((reloaded) => {
      if (!reloaded) return
      functions = reloaded
      const fresh = dirsOf(reloaded).filter((d) => !handlerDirs.includes(d))
      if (fresh.length) {
        handlerDirs.push(...fresh)
        watcher.add(fresh)
      }
    }, (error) => {
      opts.log?.(`Error: ${(error as Error).message}`)
    })
    await running
    running = undefined
    if (again) {
      again = false
      await flush()
    }
  }

  watcher.on('all', (_event, p) => {
    pending.add(path.resolve(p))
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void flush(), debounceMs)
  })

  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
  opts.log?.(`Watching ${targets.length} path(s) for changes. Press Control+C to stop.`)
  opts.onReady?.()
  await new Promise<void>((resolve) => {
    if (opts.signal?.aborted) resolve()
    opts.signal?.addEventListener('abort', () => resolve(), {once: true})
  })
  if (timer) clearTimeout(timer)
  await watcher.close()
  if (running) await running
}
