/**
 * Stack traces that point at the user's files. A function built on the host runs from its copy
 * in the image store (`~/.cache/faas/images/store/<image>-<digest>/`), and compiled languages
 * record the build context (`build/<fn>/`, where the build steps ran), so what the function
 * prints names files nobody edits. local-run rewrites those paths in each output line:
 *   <store or build dir>/<handler_folder>/X → <handler dir>/X   when X exists in the handler folder
 *   <store dir>/Y                          → build/<fn>/Y      (template files, build output)
 *
 * Why rewrite lines rather than run the function from a folder whose paths map back: the
 * function's tree is the template's layout with the handler inside it (and whatever the build
 * steps added, like node_modules), so no single folder of the project matches it; running from
 * build/<fn>/ would still name build/<fn>/function/… and let a rebuild change files under a
 * running process. The rewrite works the same for every language, and the running copy stays
 * immutable.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'

export interface SourcePaths {
  /** Where the function runs (the image store copy). */
  runDir: string
  /** The build context it was built in (`build/<fn>/`), when known. */
  contextDir?: string
  /** The handler folder inside the context (`function`; '' when the handler is the context, as for dockerfile). */
  handlerFolder: string
  /** The project's handler folder. */
  handlerDir: string
}

const PATH_CHARS = String.raw`[^\s:'"()\[\]<>,;]*`

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A function that rewrites the paths in one output line (identity when none occurs). */
export function sourcePathRewriter(paths: SourcePaths): (line: string) => string {
  const roots = [...new Set([paths.runDir, paths.contextDir].filter((r): r is string => Boolean(r)).map((r) => r.replace(/\/+$/, '')))]
    .sort((a, b) => b.length - a.length)
  if (!roots.length) return (line) => line
  const pattern = new RegExp(`(${roots.map(escapeRegExp).join('|')})/(${PATH_CHARS})`, 'g')
  const prefix = paths.handlerFolder ? `${paths.handlerFolder.replace(/\/+$/, '')}/` : ''
  const inHandler = new Map<string, boolean>()
  const existsInHandler = (rel: string) => {
    let known = inHandler.get(rel)
    if (known === undefined) inHandler.set(rel, (known = existsSync(path.join(paths.handlerDir, rel))))
    return known
  }
  return (line) => {
    if (!roots.some((r) => line.includes(r))) return line
    return line.replace(pattern, (whole, root: string, rel: string) => {
      if (rel.startsWith(prefix) && existsInHandler(rel.slice(prefix.length))) return path.join(paths.handlerDir, rel.slice(prefix.length))
      if (paths.contextDir && root !== paths.contextDir.replace(/\/+$/, '')) return path.join(paths.contextDir, rel)
      return whole
    })
  }
}
