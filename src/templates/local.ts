/** The templates a project has in ./template, and the ones `new` can use. */
import {readdirSync} from 'node:fs'

import {projectTemplatesDir} from './paths.js'
import {listShippedTemplates} from './shipped.js'

/** Folder names under ./template (sorted; hidden staging folders skipped). */
export async function listLocalTemplates(cwd: string): Promise<string[]> {
  try {
    const dirents = readdirSync(projectTemplatesDir(cwd), {withFileTypes: true})
    return dirents.filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name).sort()
  } catch {
    return []
  }
}

/** Languages `faas new` can use without a download: ./template plus the shipped templates. */
export async function listAvailableLanguages(cwd: string): Promise<string[]> {
  const all = new Set([...(await listLocalTemplates(cwd)), ...(await listShippedTemplates())])
  return [...all].sort()
}
