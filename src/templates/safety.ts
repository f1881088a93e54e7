/**
 * Copying template trees into the project without letting their content reach outside
 * ./template. Whatever a repository or archive holds, a template is first checked as a whole
 * (no special files, no symlink whose final target is outside the template), then copied
 * into a hidden staging folder next to its destination and renamed into place, so a failed or
 * interrupted copy never leaves a half-written template behind.
 *
 * The file system calls are synchronous on purpose: a template is a few dozen small files,
 * and one thread-pool round trip per call would dominate `faas new`'s start-up figure.
 */
import fs from 'node:fs'
import path from 'node:path'

import {FaasError} from '../errors.js'
import {isInside} from '../fsutil.js'
import {judgeLink, linkProblem} from './links.js'

export class UnsafeTemplateError extends FaasError {
  constructor(message: string, hint = 'Template repositories and archives may only write inside ./template; this one was rejected and nothing of it was written.') {
    super(message, {hint})
  }
}

let counter = 0

/**
 * A suffix for staging and temporary names: unique within this machine for practical purposes
 * (pid, time, counter, random); the folders are created exclusively, so a clash fails instead of
 * sharing. Not node:crypto: loading it costs more than `faas new` may spend.
 */
export function uniqueSuffix(): string {
  return `${process.pid.toString(36)}${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`
}

export {isInside}

/**
 * Throws unless the folder `dir` really is inside `root` once every link on the way is followed
 * (a template folder in ./template, a template's sample handler folder): a link there would
 * make `new` copy, or `build` send, a folder of the host. `label` and `rootLabel` name them.
 */
export function assertRealInside(dir: string, root: string, label: string, rootLabel: string): void {
  if (isInside(fs.realpathSync.native(root), fs.realpathSync.native(dir))) return
  const how = fs.lstatSync(dir).isSymbolicLink() ? `is a symlink to ${fs.readlinkSync(dir)}, which leads` : 'leads, through a symlink on its way,'
  throw new UnsafeTemplateError(`${label} ${how} outside ${rootLabel}`, 'A template must be a real folder in ./template whose links stay inside it; replace the link by a copy, or pull the template again.')
}

export interface TreeEntry {
  /** Path relative to the tree root ('/' separators are fine on every platform). */
  rel: string
  kind: 'dir' | 'file' | 'symlink'
  linkTarget?: string
}

/**
 * Lists `src` and checks every entry: only folders, regular files and symlinks, and every
 * symlink, followed link by link to its final target (templates/links.ts), must stay inside
 * `src` itself, which is what makes it stay inside wherever the tree is copied. Nothing is
 * written here; an unsafe entry throws an UnsafeTemplateError that names it. `label` names
 * the tree in errors (`template/node20`).
 */
export async function scanTree(src: string, label: string): Promise<TreeEntry[]> {
  return scanTreeSync(src, label)
}

export function scanTreeSync(src: string, label: string): TreeEntry[] {
  const rootStat = fs.lstatSync(src)
  if (rootStat.isSymbolicLink()) throw new UnsafeTemplateError(`${label} is a symlink (${fs.readlinkSync(src)}); templates must be real folders`)
  if (!rootStat.isDirectory()) throw new UnsafeTemplateError(`${label} is not a folder`)
  const entries: TreeEntry[] = []
  const links = new Map<string, string>()
  const walk = (rel: string): void => {
    const dirents = fs.readdirSync(path.join(src, rel), {withFileTypes: true})
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const d of dirents) {
      const childRel = rel ? path.join(rel, d.name) : d.name
      if (d.isSymbolicLink()) {
        const target = fs.readlinkSync(path.join(src, childRel))
        links.set(childRel.split(path.sep).join('/'), target)
        entries.push({rel: childRel, kind: 'symlink', linkTarget: target})
      } else if (d.isDirectory()) {
        entries.push({rel: childRel, kind: 'dir'})
        walk(childRel)
      } else if (d.isFile()) {
        entries.push({rel: childRel, kind: 'file'})
      } else {
        throw new UnsafeTemplateError(`${label}/${childRel.split(path.sep).join('/')} is not a regular file, folder or symlink`)
      }
    }
  }
  walk('')
  // links are judged once the whole tree is known: a chain may run through links listed later
  for (const [rel, target] of links) {
    const verdict = judgeLink(rel, (r) => links.get(r))
    if (!verdict.inside) throw new UnsafeTemplateError(linkProblem(`${label}/${rel}`, target, verdict, label))
  }
  return entries
}

/**
 * Copies checked entries from `src` into `dest` (which must exist). copyFile keeps each file's
 * mode; folders get the default mode.
 */
function copyEntries(src: string, dest: string, entries: TreeEntry[]): void {
  for (const e of entries) {
    const to = path.join(dest, e.rel)
    if (e.kind === 'dir') fs.mkdirSync(to)
    else if (e.kind === 'file') fs.copyFileSync(path.join(src, e.rel), to)
    else fs.symlinkSync(e.linkTarget!, to)
  }
}

export interface InstallOptions {
  /** How errors name the template, e.g. `template/node20`. */
  label: string
  /** Extra files to write into the template (e.g. meta.json), relative name -> content. */
  extraFiles?: Record<string, string>
  /** Folder mode for the installed template (default 0755). */
  mode?: number
  /**
   * The tree's entries when already known and trusted (a shipped template, listed in
   * shipped.json and checked by a test): no scan.
   */
  entries?: TreeEntry[]
}

/**
 * Copies the template folder `src` to `dest` (replacing what is there) after checking all of
 * it. Nothing is written when a check fails.
 */
export async function installTemplateTree(src: string, dest: string, options: InstallOptions): Promise<void> {
  installTemplateTreeSync(src, dest, options)
}

export function installTemplateTreeSync(src: string, dest: string, options: InstallOptions): void {
  const entries = options.entries ?? scanTreeSync(src, options.label)
  const parent = path.dirname(dest)
  fs.mkdirSync(parent, {recursive: true, mode: 0o755})
  const staging = path.join(parent, `.faas-stage-${path.basename(dest)}-${uniqueSuffix()}`)
  fs.mkdirSync(staging, {mode: 0o700})
  try {
    copyEntries(src, staging, entries)
    for (const [name, content] of Object.entries(options.extraFiles ?? {})) {
      fs.writeFileSync(path.join(staging, name), content, {mode: 0o644})
    }
    fs.chmodSync(staging, options.mode ?? 0o755)
    replaceDirSync(staging, dest)
  } catch (error) {
    fs.rmSync(staging, {recursive: true, force: true})
    throw error
  }
}

/** Renames `staging` to `dest`, moving an existing `dest` aside first and removing it after. */
export function replaceDirSync(staging: string, dest: string): void {
  let old: string | undefined
  try {
    fs.lstatSync(dest)
    old = path.join(path.dirname(dest), `.faas-old-${path.basename(dest)}-${uniqueSuffix()}`)
    fs.renameSync(dest, old)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  try {
    fs.renameSync(staging, dest)
  } catch (error) {
    if (old) {
      try {
        fs.renameSync(old, dest)
      } catch {
        // leave it aside: the error below is what matters
      }
    }
    throw error
  }
  if (old) fs.rmSync(old, {recursive: true, force: true})
}

/**
 * Copies the files of a folder into an existing one (a handler's sample files), after checking
 * them (links must stay inside `src`) unless `entries` lists them already (see
 * InstallOptions.entries).
 */
export function copyTreeIntoSync(src: string, dest: string, label: string, entries?: TreeEntry[]): void {
  copyEntries(src, dest, entries ?? scanTreeSync(src, label))
}
