/**
 * The project's `.secrets` folder, as local-run uses it (faas-cli §4.5): one file per secret,
 * named after it. Both ways of running a function locally (a container with the folder mounted,
 * or the host runtime) check the files exist first, with faas-cli's message.
 */
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {FaasError} from '../errors.js'

/** `<cwd>/.secrets` when `names` is not empty and every file exists; undefined for no secrets. */
export async function localSecretsDir(cwd: string, names: readonly string[]): Promise<string | undefined> {
  const wanted = [...new Set(names)]
  if (!wanted.length) return undefined
  const dir = path.resolve(cwd, '.secrets')
  const missing: string[] = []
  for (const name of wanted) {
    try {
      await fs.access(path.join(dir, name))
    } catch {
      missing.push(name)
    }
  }
  if (missing.length) {
    throw new FaasError(`missing files: create the following secrets (${missing.join(', ')}) in: "${dir}"`, {
      hint: `Each secret is a file named after it, e.g. printf '%s' "value" > ${path.join(dir, missing[0])}`,
    })
  }
  return dir
}
