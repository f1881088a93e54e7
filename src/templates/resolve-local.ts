/**
 * The offline part of template resolution: ./template/<lang>, else a shipped template copied
 * there. Kept apart from resolve.ts (which may pull from git or the store) so `faas new`'s fast
 * path loads none of that.
 */
import {statSync} from 'node:fs'

import {assertTemplateName, splitPinned} from './names.js'
import {projectTemplateDir, projectTemplatesDir} from './paths.js'
import {type TreeEntry, assertRealInside} from './safety.js'
import {installShippedTemplate, isShippedTemplate} from './shipped.js'
import {type TemplateSpec, readTemplateSpec} from './spec.js'

export type TemplateOrigin = 'local' | 'stack' | 'shipped' | 'store'

export interface ResolvedTemplate {
  /** ./template/<lang> (absolute). */
  dir: string
  spec: TemplateSpec
  origin: TemplateOrigin
  /** The entries of `dir` when known without a scan (a shipped template just installed). */
  entries?: TreeEntry[]
}

export function isDirSync(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** ./template/<lang> when it exists (and really is in ./template: not a link to a folder elsewhere). */
export async function resolveLocal(lang: string, cwd: string): Promise<ResolvedTemplate | undefined> {
  assertTemplateName(lang, 'language')
  const dir = projectTemplateDir(cwd, lang)
  if (!isDirSync(dir)) return undefined
  assertRealInside(dir, projectTemplatesDir(cwd), `template/${lang}`, './template')
  return {dir, spec: await readTemplateSpec(dir), origin: 'local'}
}

/** The shipped template for an unpinned `lang`, installed into ./template/<lang>. */
export async function resolveShipped(lang: string, cwd: string): Promise<ResolvedTemplate | undefined> {
  const {name, ref} = splitPinned(lang)
  if (ref || !isShippedTemplate(name)) return undefined
  const {dir, entries} = await installShippedTemplate(name, cwd)
  return {dir, spec: await readTemplateSpec(dir), origin: 'shipped', entries}
}

/** Local, else shipped; undefined when the template would have to be fetched. */
export async function resolveOffline(lang: string, cwd: string): Promise<ResolvedTemplate | undefined> {
  return (await resolveLocal(lang, cwd)) ?? resolveShipped(lang, cwd)
}
