import nodeFs from 'node:fs'
import path from 'node:path'

let tempCounter = 0

/** True when `target` is `root` or inside it (both absolute, compared as written). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))
}

/** A unique temp-file suffix without node:crypto (which costs ~2 ms to load: `faas new`'s figure). */
function tempSuffix(): string {
  return `${process.pid}.${Date.now().toString(36)}${(tempCounter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`
}

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
  // fs.promises loads Node's promise fs internals (a few ms): only when a write happens
  const fs = nodeFs.promises
  const dir = path.dirname(file)
  await fs.mkdir(dir, {recursive: true, mode: options.dirMode})
  const tmp = path.join(dir, `.${path.basename(file)}.${tempSuffix()}.tmp`)
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

/** writeFileAtomic with synchronous calls, for short-lived commands where start-up time counts (`new`). */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, options: {mode?: number; dirMode?: number} = {}): void {
  const dir = path.dirname(file)
  nodeFs.mkdirSync(dir, {recursive: true, mode: options.dirMode})
  const tmp = path.join(dir, `.${path.basename(file)}.${tempSuffix()}.tmp`)
  try {
    // exclusive create: a clash fails rather than writing into another process's temp file
    nodeFs.writeFileSync(tmp, data, {mode: options.mode ?? 0o644, flag: 'wx'})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') nodeFs.rmSync(tmp, {force: true})
    throw error
  }
  try {
    if (options.mode !== undefined) nodeFs.chmodSync(tmp, options.mode)
    nodeFs.renameSync(tmp, file)
  } catch (error) {
    nodeFs.rmSync(tmp, {force: true})
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

/** True when `p` is a folder (following links); false when it is missing or anything else. */
export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await nodeFs.promises.stat(p)).isDirectory()
  } catch {
    return false
  }
}
