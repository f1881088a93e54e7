import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'

/**
 * Write a file atomically: the data goes to a temporary file in the same folder, which is then
 * renamed over the target, so a reader (or a crash) never sees a half-written file. The folder
 * is created when missing (with `dirMode`).
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: {mode?: number; dirMode?: number} = {},
): Promise<void> {
  const dir = path.dirname(file)
  await fs.mkdir(dir, {recursive: true, mode: options.dirMode})
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await fs.writeFile(tmp, data, {mode: options.mode ?? 0o644})
    // writeFile's mode is filtered by the umask; callers asking for a mode mean it exactly
    if (options.mode !== undefined) await fs.chmod(tmp, options.mode)
    await fs.rename(tmp, file)
  } catch (error) {
    await fs.rm(tmp, {force: true})
    throw error
  }
}

/** `$XDG_CACHE_HOME/faas`, else `~/.cache/faas`: our own state, never the user's project. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || env.USERPROFILE || '/tmp', '.cache')
  return path.join(base, 'faas')
}

/** `$XDG_DATA_HOME/faas`, else `~/.local/share/faas`: data that must survive cache clean-ups. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || path.join(env.HOME || env.USERPROFILE || '/tmp', '.local', 'share')
  return path.join(base, 'faas')
}
