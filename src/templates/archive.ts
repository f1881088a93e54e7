/**
 * Template repositories as tar archives (`faas template pull ./templates.tar.gz`). Every entry
 * is checked before anything is extracted: an absolute path, a `..` segment, a symlink or hard
 * link that leads outside the archive, or a device/FIFO entry rejects the whole archive with
 * an error that names the entry.
 */
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {UnsafeTemplateError, isInside} from './safety.js'

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link'])

function isAbsoluteEntry(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[a-zA-Z]:/.test(p)
}

function hasDotDot(p: string): boolean {
  return p.split(/[\\/]+/).includes('..')
}

/** Why this archive entry is unsafe, or undefined. Paths are checked against a virtual root. */
export function archiveEntryProblem(entry: {path: string; type: string; linkpath?: string}): string | undefined {
  const root = path.resolve('/archive-root')
  const name = entry.path
  if (isAbsoluteEntry(name)) return `${name} has an absolute path`
  if (hasDotDot(name)) return `${name} has a ".." path segment`
  if (!ALLOWED_TYPES.has(entry.type)) return `${name} is a ${entry.type} entry (only files, folders and links are allowed)`
  if (entry.type === 'SymbolicLink') {
    const target = entry.linkpath ?? ''
    if (isAbsoluteEntry(target)) return `${name} is a symlink to the absolute path ${target}`
    if (!isInside(root, path.resolve(path.dirname(path.join(root, name)), target))) return `${name} is a symlink to ${target}, which points outside the archive`
  }
  if (entry.type === 'Link') {
    const target = entry.linkpath ?? ''
    if (isAbsoluteEntry(target) || hasDotDot(target) || !isInside(root, path.resolve(root, target))) return `${name} is a hard link to ${target}, outside the archive`
  }
  return undefined
}

/** Checks, then extracts `file` into a new temporary folder, which is returned. */
export async function extractArchive(file: string): Promise<string> {
  const tar = await import('tar')
  const problems: string[] = []
  await tar.t({
    file,
    onReadEntry: (entry) => {
      const problem = archiveEntryProblem({path: entry.path, type: entry.type, linkpath: entry.linkpath})
      if (problem) problems.push(problem)
    },
  })
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
