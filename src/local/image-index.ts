/**
 * The local image index: how the embedded gateway finds what to run for an image reference,
 * since a deploy request carries nothing but `image: me/hello:latest`. The host builder writes
 * it; the gateway and `faas local-run` read it.
 *
 * Location: `$FAAS_IMAGE_INDEX` (tests), else `<cache>/faas/images/index.json`. Built trees live
 * next to it in `store/<image-slug>-<digest>/`, so a later build never changes a running function.
 *
 * Format (version 1):
 *   {"version": 1, "images": {"me/hello:latest": ImageIndexEntry, ...}}
 * Writers take `index.json.lock` (O_EXCL, stale after 30 s), re-read, merge their one entry and
 * rename a temp file over the index, so concurrent builds don't lose each other's entries.
 * Readers need no lock.
 */
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {cacheDir, writeFileAtomic} from '../fsutil.js'
import type {WatchdogMode} from './watchdog/config.js'

export interface ImageIndexEntry {
  /** Normalised image reference (the key). */
  image: string
  /** Absolute directory holding the built function (the function's working directory). */
  dir: string
  /** `sha256:<hex>` of the build inputs. */
  digest: string
  /** Command line of the function process (the watchdog's fprocess). */
  run: string
  /**
   * The template's container fprocess (template.yml `fprocess`). faas-cli deploys it as
   * `envProcess` by default; a deployment whose envProcess equals it runs `run` instead, since
   * the container command may not fit the host (e.g. `python` vs `python3`, paths).
   */
  image_fprocess?: string
  mode: WatchdogMode
  /** http mode: env variable that tells the function which port to listen on. */
  port_env?: string
  /** Extra environment: watchdog settings and the function's own variables. */
  environment: Record<string, string>
  lang?: string
  function?: string
  /** The build/<fn> folder it was built from. */
  source?: string
  /** Where the handler sits inside it (template.yml handler_folder, '' for dockerfile). */
  handler_folder?: string
  builtAt: string
}

export interface ImageIndex {
  version: 1
  images: Record<string, ImageIndexEntry>
}

export function imageIndexPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FAAS_IMAGE_INDEX) return path.resolve(env.FAAS_IMAGE_INDEX)
  return path.join(cacheDir(env), 'images', 'index.json')
}

/** Directory for built trees, next to the index. */
export function imageStoreDir(indexPath: string): string {
  return path.join(path.dirname(indexPath), 'store')
}

/**
 * `me/hello` → `me/hello:latest`; Docker Hub prefixes dropped, so the forms a user may type for
 * one image find the same entry.
 */
export function normaliseImageRef(ref: string): string {
  let r = ref.trim()
  for (const prefix of ['docker.io/library/', 'index.docker.io/library/', 'docker.io/', 'index.docker.io/']) {
    if (r.startsWith(prefix)) {
      r = r.slice(prefix.length)
      break
    }
  }
  const last = r.slice(r.lastIndexOf('/') + 1)
  if (!last.includes(':') && !r.includes('@')) r += ':latest'
  return r
}

export async function readImageIndex(indexPath = imageIndexPath()): Promise<ImageIndex> {
  let text: string
  try {
    text = await fs.readFile(indexPath, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {version: 1, images: {}}
    throw err
  }
  try {
    const parsed = JSON.parse(text) as Partial<ImageIndex>
    return {version: 1, images: parsed.images ?? {}}
  } catch {
    // A corrupt index (it is only ever replaced by rename, so this means someone edited it) is treated as empty.
    return {version: 1, images: {}}
  }
}

export async function lookupImage(image: string, indexPath = imageIndexPath()): Promise<ImageIndexEntry | undefined> {
  const index = await readImageIndex(indexPath)
  return index.images[normaliseImageRef(image)] ?? index.images[image]
}

const LOCK_STALE_MS = 30_000
const LOCK_WAIT_MS = 20_000

async function withLock<T>(lockFile: string, fn: () => Promise<T>): Promise<T> {
  await fs.mkdir(path.dirname(lockFile), {recursive: true})
  const started = Date.now()
  let delay = 10
  for (;;) {
    try {
      const fh = await fs.open(lockFile, 'wx')
      await fh.writeFile(String(process.pid))
      await fh.close()
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const st = await fs.stat(lockFile).catch(() => undefined)
      if (st && Date.now() - st.mtimeMs > LOCK_STALE_MS) {
        await fs.rm(lockFile, {force: true})
        continue
      }
      if (Date.now() - started > LOCK_WAIT_MS) {
        throw new Error(`timed out waiting for the image index lock ${lockFile} (remove it if no build is running)`)
      }
      await new Promise((r) => setTimeout(r, delay))
      delay = Math.min(delay * 2, 40)
    }
  }
  try {
    return await fn()
  } finally {
    await fs.rm(lockFile, {force: true})
  }
}

/** Adds or replaces one entry (merge-on-write under the lock). */
export async function recordImage(entry: ImageIndexEntry, indexPath = imageIndexPath()): Promise<void> {
  await withLock(indexPath + '.lock', async () => {
    const index = await readImageIndex(indexPath)
    index.images[entry.image] = entry
    await writeFileAtomic(indexPath, JSON.stringify(index, null, 2) + '\n')
  })
}

export async function removeImage(image: string, indexPath = imageIndexPath()): Promise<boolean> {
  return withLock(indexPath + '.lock', async () => {
    const index = await readImageIndex(indexPath)
    const key = normaliseImageRef(image)
    if (!index.images[key]) return false
    delete index.images[key]
    await writeFileAtomic(indexPath, JSON.stringify(index, null, 2) + '\n')
    return true
  })
}
