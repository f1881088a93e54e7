/**
 * The templates that ship with faas (templates-store/template/<name>): always available,
 * offline. Installing one copies it to ./template/<name> with a meta.json, exactly as a pull
 * would, so the project then builds the same way with faas-cli.
 */
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import path from 'node:path'

import {metaJson, treeDigest} from './meta.js'
import {packageRoot, projectTemplateDir, shippedTemplatesDir} from './paths.js'
import {type TreeEntry, installTemplateTreeSync} from './safety.js'
import {shippedIndex} from './shipped-index.js'

/** The `repo` value that marks shipped templates in templates-store/index.json. */
export const SHIPPED_REPO = 'faas:templates-store'

export function isShippedTemplate(name: string): boolean {
  if (!name || name.includes('/') || name.includes('\\') || name.startsWith('.')) return false
  return existsSync(path.join(shippedTemplatesDir(), name, 'template.yml'))
}

export async function listShippedTemplates(): Promise<string[]> {
  const dirents = readdirSync(shippedTemplatesDir(), {withFileTypes: true})
  return dirents.filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort()
}

function faasVersion(): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {version?: string}).version
  } catch {
    return undefined
  }
}

/**
 * Copies shipped template `name` to `<cwd>/template/<name>` (replacing it). Returns the folder
 * and, when shipped.json lists them, the entries written.
 */
export async function installShippedTemplate(name: string, cwd: string): Promise<{dir: string; entries?: TreeEntry[]}> {
  const src = path.join(shippedTemplatesDir(), name)
  const dest = projectTemplateDir(cwd, name)
  const version = faasVersion()
  const known = shippedIndex()[name]
  const digest = known?.digest ?? (await treeDigest(src))
  installTemplateTreeSync(src, dest, {
    label: `template/${name}`,
    extraFiles: {'meta.json': metaJson({repository: SHIPPED_REPO, ref: version ? `v${version}` : undefined, sha: digest})},
    mode: 0o755,
    entries: known?.entries,
  })
  return {dir: dest, entries: known?.entries}
}
