/**
 * Names of templates and git refs. A template name becomes a folder under ./template, so it
 * must be one plain path segment; `name@ref` is a template pinned to a branch, tag or
 * `sha-<hex>` commit of its repository (stored as the folder `template/name@ref`).
 */
import {FaasError} from '../errors.js'

export interface PinnedName {
  /** The template's name in its repository (`node20`). */
  name: string
  /** The pin (`v1.2`, `main`, `sha-1a2b3c4`) or undefined. */
  ref?: string
}

/** `node20@v1` -> {name: 'node20', ref: 'v1'}; `node20` -> {name: 'node20'}. */
export function splitPinned(lang: string): PinnedName {
  const at = lang.indexOf('@')
  if (at <= 0) return {name: lang}
  const ref = lang.slice(at + 1)
  return ref ? {name: lang.slice(0, at), ref} : {name: lang.slice(0, at)}
}

/**
 * Why `name` cannot be a template folder name, or undefined when it can. Rejects anything that
 * could address a folder other than `./template/<name>`: separators, `.`/`..`, NUL, and names
 * starting with a dot (hidden folders are where we stage writes).
 */
export function templateNameProblem(name: string): string | undefined {
  if (!name) return 'the name is empty'
  if (name.includes('/') || name.includes('\\')) return 'it contains a path separator'
  if (name === '.' || name === '..') return 'it is a relative path'
  if (name.startsWith('.')) return 'it starts with a dot'
  if (/[\0-\x1f\x7f-\x9f]/.test(name)) return 'it contains a control character'
  if (name.length > 200) return 'it is longer than 200 characters'
  return undefined
}

/** Throws a FaasError unless `lang` (optionally `name@ref`) is safe as `./template/<lang>`. */
export function assertTemplateName(lang: string, what = 'template name'): void {
  const {name, ref} = splitPinned(lang)
  // a ref may hold slashes (feature/x): git's ref rules already exclude `..` and empty parts
  const problem = lang.endsWith('@') ? 'the pin after @ is empty' : templateNameProblem(name)
  if (problem) {
    throw new FaasError(`invalid ${what} ${JSON.stringify(lang)}: ${problem}`, {
      hint: 'A template name is one folder name under ./template, e.g. node20 or node20@v1.0.',
    })
  }
  if (ref !== undefined) assertRefName(ref)
}

const SHA_PIN = /^sha-([0-9a-f]{7,40})$/

/** The commit of a `sha-<hex>` pin, else undefined. */
export function shaPin(ref: string | undefined): string | undefined {
  if (!ref) return undefined
  return SHA_PIN.exec(ref)?.[1]
}

/**
 * git's rules for a branch or tag name (`git check-ref-format --allow-onelevel`), checked
 * here rather than by spawning git for each pull.
 */
export function isValidRefName(ref: string): boolean {
  if (!ref || ref === '@') return false
  if (/[\0-\x20\x7f~^:?*[\\]/.test(ref)) return false
  if (ref.includes('..') || ref.includes('@{') || ref.includes('//')) return false
  if (ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.')) return false
  for (const part of ref.split('/')) {
    if (part.startsWith('.') || part.endsWith('.lock')) return false
  }
  return true
}

export function assertRefName(ref: string): void {
  if (shaPin(ref) || isValidRefName(ref)) return
  throw new FaasError(`Invalid tag or branch name \`${ref}\``, {
    hint: 'See https://git-scm.com/docs/git-check-ref-format for the rules git enforces on branch and tag names; pin a commit as sha-<hex>.',
  })
}

/** A function name faas-cli accepts (DNS-1123 label). */
export const FUNCTION_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
