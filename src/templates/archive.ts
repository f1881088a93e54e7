/**
 * Template repositories as tar archives (`faas template pull ./templates.tar.gz`). Every entry
 * is checked before anything is extracted: an absolute path, a `..` segment, a device/FIFO
 * entry, a symlink whose final target (followed link by link through the archive's own links,
 * templates/links.ts) is outside the archive, or a hard link to a place outside it rejects the
 * whole archive with an error that names the entry.
 */
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {isAbsoluteLink, judgeLink, linkProblem, resolveParentsInside} from './links.js'
import {UnsafeTemplateError} from './safety.js'

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link'])

export interface ArchiveEntry {
  path: string
  type: string
  linkpath?: string
}

function isAbsoluteEntry(p: string): boolean {
  return isAbsoluteLink(p) || /^[a-zA-Z]:/.test(p)
}

function hasDotDot(p: string): boolean {
  return p.split(/[\\/]+/).includes('..')
}

/** `./a//b/` -> `a/b`: how the archive's paths are compared. */
function normal(p: string): string {
  return p.split('/').filter((s) => s !== '' && s !== '.').join('/')
}

/** Why this entry is unsafe on its own (its path and type, an absolute link), or undefined. */
export function archiveEntryProblem(entry: ArchiveEntry): string | undefined {
  const name = entry.path
  if (isAbsoluteEntry(name)) return `${name} has an absolute path`
  if (hasDotDot(name)) return `${name} has a ".." path segment`
  if (!ALLOWED_TYPES.has(entry.type)) return `${name} is a ${entry.type} entry (only files, folders and links are allowed)`
  const target = entry.linkpath ?? ''
  if (entry.type === 'SymbolicLink' && isAbsoluteEntry(target)) return `${name} is a symlink to the absolute path ${target}`
  if (entry.type === 'Link' && (isAbsoluteEntry(target) || hasDotDot(target))) return `${name} is a hard link to ${target}, outside the archive`
  return undefined
}

/** Every problem of the archive: each entry on its own, then where its links really lead. */
export function archiveProblems(entries: readonly ArchiveEntry[]): string[] {
  const problems: string[] = []
  const links = new Map<string, string>()
  for (const entry of entries) {
    const problem = archiveEntryProblem(entry)
    if (problem) problems.push(problem)
    else if (entry.type === 'SymbolicLink') links.set(normal(entry.path), entry.linkpath ?? '')
  }
  const linkAt = (rel: string) => links.get(rel)
  for (const entry of entries) {
    const target = entry.linkpath ?? ''
    if (entry.type === 'SymbolicLink' && links.get(normal(entry.path)) === target) {
      const verdict = judgeLink(normal(entry.path), linkAt)
      if (!verdict.inside) problems.push(linkProblem(entry.path, target, verdict, 'the archive'))
    } else if (entry.type === 'Link' && !archiveEntryProblem(entry) && resolveParentsInside(target, linkAt) === undefined) {
      problems.push(`${entry.path} is a hard link to ${target}, which leads outside the archive`)
    }
  }
  return problems
}

/** Checks, then extracts `file` into a new temporary folder, which is returned. */
export async function extractArchive(file: string): Promise<string> {
  const tar = await import('tar')
  const entries: ArchiveEntry[] = []
  await tar.t({
    file,
    onReadEntry: (entry) => {
      entries.push({path: entry.path, type: entry.type, linkpath: entry.linkpath})
    },
  })
  const problems = archiveProblems(entries)
  if (problems.length > 0) {
    throw new UnsafeTemplateError(`unsafe template archive ${path.basename(file)}: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`)
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'openFaasTemplates'))
  try {
    await tar.x({file, cwd: dir, strict: true, preservePaths: false, preserveOwner: false})
  } catch (error) {
    await fs.rm(dir, {recursive: true, force: true})
    throw error
  }
  return dir
}

/**
 * The folder holding `template/` in an extracted archive: its root, or its only top-level
 * folder (GitHub-style `repo-<sha>/` archives).
 */
export async function archiveRepoRoot(dir: string): Promise<string> {
  const hasTemplate = async (d: string) => {
    try {
      return (await fs.lstat(path.join(d, 'template'))).isDirectory()
    } catch {
      return false
    }
  }
  if (await hasTemplate(dir)) return dir
  const top = (await fs.readdir(dir, {withFileTypes: true})).filter((d) => d.isDirectory())
  if (top.length === 1 && (await hasTemplate(path.join(dir, top[0].name)))) return path.join(dir, top[0].name)
  return dir
}
