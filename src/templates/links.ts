/**
 * Where a symbolic link of a tree really leads, worked out the way the kernel resolves a path but
 * over a listing of the tree rather than the disk: each link of a chain is followed relative to
 * the folder that holds it, links met in the middle of a path (a linked folder) are followed
 * too, and `..` applies to where a link led, not to its text (with `a -> .`, `a/a/a/../../..`
 * climbs three folders although its text climbs none).
 *
 * Judged this way, against the tree's own root, the answer does not depend on where the tree
 * sits: a link that stays inside here stays inside wherever the tree is copied, which is what
 * a template (copied into ./template, or into a new handler folder) needs. Reading the disk
 * (realpath) would answer for the copy's source, not for its destination.
 */

/** Linux gives up after 40 links in one lookup (ELOOP); so do we, and call it a loop. */
const MAX_HOPS = 40

export type LinkVerdict = {inside: true} | {inside: false; why: 'absolute' | 'outside' | 'loop'}

class Escape {
  constructor(readonly why: 'absolute' | 'outside' | 'loop') {}
}

export function isAbsoluteLink(target: string): boolean {
  return target.startsWith('/') || target.startsWith('\\') || /^[a-zA-Z]:[\\/]/.test(target)
}

/**
 * Follows the path `text` from the folder `at` (components below the root), replacing every
 * component that is a link by where that link leads; returns where the path ends.
 */
function follow(at: string[], text: string, linkAt: (rel: string) => string | undefined, hops: {n: number}): string[] {
  if (isAbsoluteLink(text)) throw new Escape('absolute')
  const here = [...at]
  for (const part of text.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (here.length === 0) throw new Escape('outside')
      here.pop()
      continue
    }
    here.push(part)
    const target = linkAt(here.join('/'))
    if (target === undefined) continue // a folder, a file, or nothing yet: taken as it reads
    if (++hops.n > MAX_HOPS) throw new Escape('loop')
    const resolved = follow(here.slice(0, -1), target, linkAt, hops)
    here.splice(0, here.length, ...resolved)
  }
  return here
}

/**
 * Whether the link at `rel` (a `/`-separated path below the root), followed to its final target,
 * stays inside the root. `linkAt(rel)` gives the target of the link at `rel`, or undefined when
 * `rel` is not a link.
 */
export function judgeLink(rel: string, linkAt: (rel: string) => string | undefined): LinkVerdict {
  try {
    follow([], rel, linkAt, {n: 0})
    return {inside: true}
  } catch (error) {
    if (error instanceof Escape) return {inside: false, why: error.why}
    throw error
  }
}

/** Where the path `rel` ends up once its folders are followed (its last component is not): undefined when that leaves the root. */
export function resolveParentsInside(rel: string, linkAt: (rel: string) => string | undefined): string | undefined {
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.')
  const last = parts.pop()
  if (last === undefined || last === '..') return undefined
  try {
    return [...follow([], parts.join('/'), linkAt, {n: 0}), last].join('/')
  } catch (error) {
    if (error instanceof Escape) return undefined
    throw error
  }
}

/** The text of an error about the link `shown` -> `target`, for a verdict that is not inside. */
export function linkProblem(shown: string, target: string, verdict: Exclude<LinkVerdict, {inside: true}>, root: string): string {
  if (verdict.why === 'absolute' && isAbsoluteLink(target)) return `${shown} is a symlink to the absolute path ${target}`
  if (verdict.why === 'loop') return `${shown} is a symlink to ${target}, which leads through more than ${MAX_HOPS} links (a loop)`
  const via = verdict.why === 'absolute' ? ' (through a link to an absolute path)' : ''
  return `${shown} is a symlink to ${target}, which leads outside ${root}${via}`
}
