/**
 * The build context `build/<fn>/` (spec §3), as a plan first and files second: the plan lists
 * every file and folder the context will hold (destination, source, mode), so the same data
 * both writes the context and digests it for incremental builds.
 *
 * Assembly order (later entries win on the same destination):
 *   1. the template folder `template/<lang>/` → context root (not for `lang: dockerfile`);
 *   2. the handler folder → `<handler_folder>/` (context root for dockerfile), skipping the
 *      handler's top-level `build` and `template` entries;
 *   3. every extra path (`--copy-extra`, then `configuration.copy`) → `<handler_folder>/<path>`,
 *      each required to lie inside the project and not be the project itself.
 * File modes are kept. Symbolic links are followed, and only while they stay inside: a link in
 * the handler or template folder must lead (followed to its final target, realpath) to a place
 * inside that folder, a link in an extra path to a place inside the project; any other link
 * stops the build with an error that names it. Copying such a link as a link instead would not
 * help: the engine would follow it or send a dangling one, and faas-cli's contexts hold the
 * content, so the content of links that stay inside is copied as before. A project someone else
 * wrote can therefore not make the build copy (or send to the engine) a file of this machine
 * through a link; `handler:` paths and configuration.copy stay the stack file's own choice.
 */
import {createHash, randomBytes} from 'node:crypto'
import {chmodSync, constants as fsConstants, copyFileSync, createReadStream, promises as fsp, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, type Stats} from 'node:fs'
import path from 'node:path'

import {FaasError} from '../errors.js'
import {isInside} from '../fsutil.js'

export interface ContextEntry {
  /** Path inside the context, `/`-separated, no leading `./`. */
  dest: string
  /** Absolute source path. */
  source: string
  kind: 'file' | 'dir'
  /**
   * Permission bits (& 0o7777) of folders. Files get theirs from the copy itself, and the
   * digest reads them when it needs them (`fileMode`): not stat-ing thousands of files keeps
   * --shrinkwrap close to cp.
   */
  mode?: number
}

export interface ContextPlan {
  /** Absolute path of `build/<fn>`. */
  root: string
  /** Where the handler goes inside the context ('' = the root, for dockerfile). */
  handlerFolder: string
  /** Sorted by dest; parents before children. */
  entries: ContextEntry[]
}

export interface PlanContextInput {
  /** Project directory (the CWD): handler and extra paths resolve against it. */
  cwd: string
  name: string
  /** Handler path as written in the stack / flag. */
  handler: string
  lang: string
  /** Absolute template folder; ignored for dockerfile. */
  templateDir?: string
  /** template.yml `handler_folder` (default `function`). */
  handlerFolder?: string
  /** `--copy-extra` values then `configuration.copy`. */
  extraPaths?: readonly string[]
  /** Build folder (default `<cwd>/build`). */
  buildDir?: string
}

export const SKIPPED_HANDLER_ENTRIES = new Set(['build', 'template'])

export function isDockerfileLang(lang: string | undefined): boolean {
  return (lang ?? '').toLowerCase() === 'dockerfile'
}

/**
 * Where links in a walked folder may lead: inside `root` (a real path). `shown` is how the folder
 * is written in errors (`./hello`, `template/node20`), `what` what it is (`the handler folder
 * ./hello`).
 */
interface LinkScope {
  root: string
  shown: string
  what: string
}

const LINK_HINT = 'Links in a handler or template folder must stay inside it (and links in copy paths inside the project): replace the link by a copy of what it points at, or list a folder of the project under configuration.copy / --copy-extra.'

/** The error for a link at `abs` (shown as `shown`) that leads outside `what`. */
function linkOutside(abs: string, shown: string, what: string): FaasError {
  let how = 'leads, through a symlink on its way,'
  try {
    if (lstatSync(abs).isSymbolicLink()) how = `is a symlink to ${readlinkSync(abs)}, which leads`
  } catch {
    // gone meanwhile: the generic wording
  }
  return new FaasError(`${shown} ${how} outside ${what}`, {hint: LINK_HINT})
}

/** Throws when `abs`, written inside the project, really lies outside it once links are followed. */
function assertReallyInsideProject(cwd: string, abs: string, shown: string): void {
  if (!isInside(cwd, abs)) return // a path written outside the project is the stack file's own choice
  if (!isInside(realpathSync.native(cwd), realpathSync.native(abs))) throw linkOutside(abs, shown, 'the project')
}

/**
 * Check an extra copy path: it must resolve inside `cwd` and not be `cwd` itself. Returns its
 * path relative to `cwd` (`/`-separated).
 */
export function checkExtraPath(cwd: string, extra: string): string {
  const abs = path.resolve(cwd, extra)
  const rel = path.relative(cwd, abs)
  if (rel === '') throw new FaasError(`forbidden path appears to equal the entire project: ${extra}`, {hint: 'Copy sub-folders of the project with --copy-extra / configuration.copy, not the project itself'})
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new FaasError(`forbidden path appears to be outside of the build context: ${extra}`, {hint: 'Extra copy paths must be inside the current directory'})
  }
  return rel.split(path.sep).join('/')
}

function statFollow(p: string): Stats | undefined {
  try {
    return statSync(p)
  } catch {
    return undefined
  }
}

interface WalkEntry {
  isDir: boolean
  /** Folders only. */
  mode?: number
}

/**
 * Walk `dir` (following links that stay inside `scope`), calling `add(relPath, abs, stats)` for
 * files and folders, in name order. Synchronous on purpose: contexts are thousands of small
 * files, and one syscall after the other beats a thread-pool round trip per file (this is what
 * keeps --shrinkwrap near cp). A folder reached again through a link to one of its ancestors is
 * skipped (a link loop); ancestors are compared by real path, which is only asked of the system
 * for the start folder and for links: a plain folder's real path is its parent's real path plus
 * its name. `scope` defaults to `dir` itself (shown as `shown`).
 */
function walk(
  dir: string,
  add: (rel: string, abs: string, st: WalkEntry) => void,
  opts: {skipTop?: Set<string>; scope?: Partial<LinkScope>; shown?: string; what?: string} = {},
): void {
  const real = realpathSync.native(dir)
  const shown = opts.shown ?? dir
  const scope: LinkScope = {root: real, shown, what: opts.what ?? shown, ...opts.scope}
  walkReal(dir, real, add, opts.skipTop, new Set<string>(), '', scope)
}

function walkReal(
  dir: string,
  real: string,
  add: (rel: string, abs: string, st: WalkEntry) => void,
  skipTop: Set<string> | undefined,
  ancestors: Set<string>,
  rel: string,
  scope: LinkScope,
): void {
  if (ancestors.has(real)) return // a link loop
  ancestors.add(real)
  const entries = readdirSync(dir, {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const ent of entries) {
    const name = ent.name
    if (rel === '' && skipTop?.has(name)) continue
    const abs = path.join(dir, name)
    const r = rel ? `${rel}/${name}` : name
    if (ent.isFile()) {
      add(r, abs, {isDir: false})
      continue
    }
    const link = ent.isSymbolicLink()
    if (!ent.isDirectory() && !link) continue // sockets, fifos, devices
    let target = path.join(real, name)
    if (link) {
      // the final target of the whole chain, each hop resolved by the system
      const resolved = realTarget(abs)
      if (resolved === undefined) continue // dangling link, or a loop of links
      if (!isInside(scope.root, resolved)) throw linkOutside(abs, `${scope.shown}/${r}`, scope.what)
      target = resolved
    }
    const st = statFollow(abs)
    if (!st) continue
    if (st.isDirectory()) {
      add(r, abs, {isDir: true, mode: st.mode & 0o7777})
      walkReal(abs, target, add, undefined, ancestors, r, scope)
    } else if (st.isFile()) {
      add(r, abs, {isDir: false})
    }
  }
  ancestors.delete(real)
}

function realTarget(abs: string): string | undefined {
  try {
    return realpathSync.native(abs)
  } catch {
    return undefined
  }
}

class EntryMap {
  private readonly map = new Map<string, ContextEntry>()

  set(entry: ContextEntry): void {
    const existing = this.map.get(entry.dest)
    if (existing && existing.kind === 'dir' && entry.kind === 'dir') {
      // merging folders: keep the first folder's entry (its mode) — contents merge below it
      return
    }
    if (existing && existing.kind !== entry.kind) {
      const prefix = `${entry.dest}/`
      for (const key of [...this.map.keys()]) if (key.startsWith(prefix)) this.map.delete(key)
    }
    this.map.set(entry.dest, entry)
  }

  sorted(): ContextEntry[] {
    return [...this.map.values()].sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0))
  }
}

function joinDest(...parts: string[]): string {
  return parts.filter(Boolean).join('/')
}

/** Resolve the inputs of a build context into a plan (reads the file tree, writes nothing). */
export async function planBuildContext(input: PlanContextInput): Promise<ContextPlan> {
  const {cwd, name} = input
  const dockerfile = isDockerfileLang(input.lang)
  const handlerFolder = dockerfile ? '' : (input.handlerFolder || 'function')
  const root = path.resolve(cwd, input.buildDir ?? 'build', name)

  const handlerAbs = path.resolve(cwd, input.handler)
  const handlerStat = statFollow(handlerAbs)
  if (!handlerStat || !handlerStat.isDirectory()) {
    throw new FaasError(`building ${name}, ${input.handler} is an invalid path`, {
      hint: `The handler folder is resolved from the current directory (${cwd}); check "handler:" in the stack file`,
    })
  }
  const handlerShown = input.handler.replace(/\/+$/, '')
  assertReallyInsideProject(cwd, handlerAbs, handlerShown)
  const extras = (input.extraPaths ?? []).map((p) => ({given: p, rel: checkExtraPath(cwd, p)}))

  const entries = new EntryMap()
  const add = (prefix: string) => (rel: string, abs: string, st: WalkEntry) => {
    entries.set(st.isDir ? {dest: joinDest(prefix, rel), source: abs, kind: 'dir', mode: st.mode} : {dest: joinDest(prefix, rel), source: abs, kind: 'file'})
  }

  if (!dockerfile) {
    if (!input.templateDir) throw new Error(`planBuildContext: templateDir is required for lang ${input.lang}`)
    const shown = path.relative(cwd, input.templateDir).split(path.sep).join('/') || input.templateDir
    walk(input.templateDir, add(''), {shown, what: `the template folder ${shown}`})
  }
  walk(handlerAbs, add(handlerFolder), {skipTop: SKIPPED_HANDLER_ENTRIES, shown: handlerShown, what: `the handler folder ${handlerShown}`})
  const project = {root: realpathSync.native(cwd), what: 'the project'}
  for (const extra of extras) {
    const abs = path.resolve(cwd, extra.rel)
    const st = statFollow(abs)
    if (!st) throw new FaasError(`copy path ${extra.given} does not exist`, {hint: 'Check --copy-extra and configuration.copy in the stack file'})
    assertReallyInsideProject(cwd, abs, extra.rel)
    // the parent folders of a nested extra path (e.g. common/lib) exist in the context too
    const parts = extra.rel.split('/')
    for (let i = 1; i < parts.length; i++) {
      const dirRel = parts.slice(0, i).join('/')
      const dirSt = statSync(path.resolve(cwd, dirRel))
      entries.set({dest: joinDest(handlerFolder, dirRel), source: path.resolve(cwd, dirRel), kind: 'dir', mode: dirSt.mode & 0o7777})
    }
    add(handlerFolder)(extra.rel, abs, st.isDirectory() ? {isDir: true, mode: st.mode & 0o7777} : {isDir: false})
    if (st.isDirectory()) walk(abs, add(joinDest(handlerFolder, extra.rel)), {scope: {...project, shown: extra.rel}})
  }

  return {root, handlerFolder, entries: entries.sorted()}
}

/** Folder mode for the context root and handler folder: 0700, or 0777 when CI is set (faas-cli). */
export function contextDirMode(env: NodeJS.ProcessEnv = process.env): number {
  return env.CI === 'true' || env.CI === '1' ? 0o777 : 0o700
}

/** Files copied at once when a context is written off the main thread. */
const OFF_THREAD_COPIES = 8

/**
 * Write the planned context: remove `build/<fn>`, create it and the handler folder, then copy
 * every entry (modes kept; folders stay writable by the owner so the next build can clear them).
 *
 * `offThread`: the folders and copies go through libuv's thread pool instead of one synchronous
 * call after the other. A build uses it: its main thread also starts the engines of parallel
 * builds and relays their output, and each mkdir or copy there delays them (on a slow disk a
 * context of a few files took ~3 ms of it). `--shrinkwrap` runs nothing else, and the
 * synchronous copy is the faster one for thousands of small files (see walk()).
 */
export async function writeBuildContext(plan: ContextPlan, env: NodeJS.ProcessEnv = process.env, opts: {offThread?: boolean} = {}): Promise<void> {
  const dirMode = contextDirMode(env)
  // look before removing: rm of a missing folder throws and catches ENOENT inside, which costs
  // more than the lstat when every context is new (a clean --shrinkwrap). An old context is
  // renamed away at once and removed in the background (libuv's thread pool) while the new one
  // is written: a recursive rmSync here held the event loop, and with it every parallel build.
  let removing: Promise<void> | undefined
  if (lstatSync(plan.root, {throwIfNoEntry: false})) {
    const old = `${plan.root}.old-${process.pid}-${randomBytes(4).toString('hex')}`
    try {
      renameSync(plan.root, old)
      removing = fsp.rm(old, {recursive: true, force: true}).catch(() => undefined)
    } catch {
      rmSync(plan.root, {recursive: true, force: true})
    }
  }
  if (opts.offThread) {
    await writeContextOffThread(plan, dirMode)
    await removing
    return
  }
  mkdirSync(path.dirname(plan.root), {recursive: true, mode: dirMode})
  mkdirSync(plan.root, {mode: dirMode})
  if (plan.handlerFolder) mkdirSync(path.join(plan.root, plan.handlerFolder), {recursive: true, mode: dirMode})
  const special = new Set(['', plan.handlerFolder])
  // entries are sorted, so a folder comes before what it holds; copyFile keeps the source mode
  // (libuv applies it to the new file). Synchronous: see walk().
  // dest is `/`-separated names from readdir (no `.`/`..`), so plain concatenation is a join
  const prefix = `${plan.root}/`
  for (const e of plan.entries) {
    const target = prefix + e.dest
    if (e.kind === 'dir') {
      if (special.has(e.dest)) continue
      mkdirSync(target, {recursive: true})
      chmodSync(target, (e.mode ?? 0o755) | 0o700)
    } else {
      copyNewFile(e.source, target)
    }
  }
  await removing
}

/** writeBuildContext's folders and copies through the thread pool: folders in order, then files. */
async function writeContextOffThread(plan: ContextPlan, dirMode: number): Promise<void> {
  await fsp.mkdir(path.dirname(plan.root), {recursive: true, mode: dirMode})
  await fsp.mkdir(plan.root, {mode: dirMode})
  if (plan.handlerFolder) await fsp.mkdir(path.join(plan.root, plan.handlerFolder), {recursive: true, mode: dirMode})
  const special = new Set(['', plan.handlerFolder])
  const prefix = `${plan.root}/`
  // copies run at once, so a destination named twice (a handler file over the template's) is
  // copied once, from its last source, as the copy one after the other leaves it
  const files = new Map<string, ContextPlan['entries'][number]>()
  for (const e of plan.entries) {
    if (e.kind !== 'dir') files.set(e.dest, e)
    else if (!special.has(e.dest)) {
      await fsp.mkdir(prefix + e.dest, {recursive: true})
      await fsp.chmod(prefix + e.dest, (e.mode ?? 0o755) | 0o700)
    }
  }
  await mapLimit([...files.values()], OFF_THREAD_COPIES, async (e) => {
    const target = prefix + e.dest
    try {
      await fsp.copyFile(e.source, target, fsConstants.COPYFILE_EXCL)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      await fsp.copyFile(e.source, target)
    }
  })
}

/**
 * Copy to a destination that should not exist yet (the context folder is new). COPYFILE_EXCL
 * spares the copy an fstat and an ftruncate(0) per file; on ext4 that truncate also marks the file
 * for a flush on close (auto_da_alloc), a cost cp does not pay. A destination that exists after
 * all (names equal on a case-insensitive file system) is overwritten, as before.
 */
function copyNewFile(source: string, target: string): void {
  try {
    copyFileSync(source, target, fsConstants.COPYFILE_EXCL)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    copyFileSync(source, target)
  }
}

/** Run `fn` over `items`, at most `limit` at a time. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const workers = Array.from({length: Math.min(limit, items.length)}, async () => {
    for (;;) {
      const i = next++
      if (i >= items.length) return
      out[i] = await fn(items[i], i)
    }
  })
  await Promise.all(workers)
  return out
}

export async function hashFile(file: string, algorithm = 'sha256'): Promise<string> {
  const st = statSync(file)
  if (st.size < 1 << 20) return createHash(algorithm).update(readFileSync(file)).digest('hex')
  return new Promise((resolve, reject) => {
    const h = createHash(algorithm)
    createReadStream(file).on('data', (d) => h.update(d)).on('error', reject).on('end', () => resolve(h.digest('hex')))
  })
}

/** sha256 over every entry of the plan: destination, kind, mode and content. */
export async function digestContextPlan(plan: ContextPlan): Promise<string> {
  const hashes = await mapLimit(plan.entries, 4, async (e) => (e.kind === 'file' ? hashFile(e.source) : ''))
  const h = createHash('sha256')
  plan.entries.forEach((e, i) => {
    const mode = e.kind === 'file' ? statSync(e.source).mode & 0o7777 : e.mode ?? 0
    h.update(`${e.kind}\0${e.dest}\0${mode.toString(8)}\0${hashes[i]}\n`)
  })
  return h.digest('hex')
}

/** A cheap listing of a written context (path, kind, mode, size, mtime) to prove later that it is untouched. */
export async function listWrittenContext(root: string): Promise<string[]> {
  const out: string[] = []
  const visit = (dir: string, rel: string): void => {
    let ents
    try {
      ents = readdirSync(dir, {withFileTypes: true})
    } catch {
      return
    }
    for (const ent of ents.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(dir, ent.name)
      const r = rel ? `${rel}/${ent.name}` : ent.name
      const st = statSync(abs, {throwIfNoEntry: false})
      if (!st) continue
      const isDir = ent.isDirectory()
      out.push(`${r}\0${st.mode.toString(8)}\0${isDir ? 0 : st.size}\0${isDir ? 0 : st.mtimeMs}`)
      if (isDir) visit(abs, r)
    }
  }
  visit(root, '')
  return out
}

/**
 * md5 of the handler folder for `--tag digest` (§4.1): md5 hex of every regular file, sorted by
 * path, concatenated, md5 of that.
 */
export async function handlerDigest(handlerDir: string): Promise<string> {
  const files: Array<{rel: string; abs: string}> = []
  walk(handlerDir, (rel, abs, st) => {
    if (!st.isDir) files.push({rel, abs})
  })
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))
  const hashes = await mapLimit(files, 16, (f) => hashFile(f.abs, 'md5'))
  return createHash('md5').update(hashes.join('')).digest('hex')
}
