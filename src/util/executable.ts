import {constants, promises as fs} from 'node:fs'
import path from 'node:path'

/** Absolute path of `name` on PATH (or `name` itself when it contains a slash), if executable. */
export async function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (name.includes('/')) return (await isExecutableFile(name)) ? name : undefined
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, name)
    if (await isExecutableFile(candidate)) return candidate
  }
  return undefined
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await fs.stat(file)).isFile()) return false
    await fs.access(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}
