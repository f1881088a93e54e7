/**
 * Incremental builds: the digest of everything that went into the last successful build of an
 * image reference, kept under `$XDG_CACHE_HOME/faas/builds/` (never in the project). A build
 * whose digest equals the recorded one for the same image reference and engine is skipped.
 *
 * The record is keyed by engine + image reference + the engine's target (DOCKER_HOST,
 * DOCKER_CONTEXT, CONTAINER_HOST), so two engines or two daemons never share a record. If an
 * image is removed behind faas's back, `--force` (or `--no-cache`) rebuilds it.
 */
import {createHash} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {cacheDir, writeFileAtomic} from '../fsutil.js'

export interface BuildRecord {
  image: string
  engine: string
  digest: string
  builtAt: string
  /** Absolute path of the context that was written, and its listing right after the build. */
  contextRoot?: string
  contextListing?: string[]
}

export interface BuildDigestInput {
  engine: string
  image: string
  contextDigest: string
  argv: readonly string[]
  env: Record<string, string>
  /** Build secrets: id → sha256 of the file's content (the content itself never stored). */
  secretDigests: Array<[string, string]>
}

/** One digest over the context and every build input that can change the image. */
export function buildDigest(input: BuildDigestInput): string {
  const h = createHash('sha256')
  h.update(`faas-build-v1\0${input.engine}\0${input.image}\0${input.contextDigest}\n`)
  h.update(`argv\0${input.argv.join('\0')}\n`)
  for (const k of Object.keys(input.env).sort()) h.update(`env\0${k}\0${input.env[k]}\n`)
  for (const [id, d] of input.secretDigests) h.update(`secret\0${id}\0${d}\n`)
  return h.digest('hex')
}

export function engineTarget(env: NodeJS.ProcessEnv): string {
  return ['DOCKER_HOST', 'DOCKER_CONTEXT', 'CONTAINER_HOST', 'CONTAINER_CONNECTION'].map((k) => `${k}=${env[k] ?? ''}`).join('\0')
}

export class BuildCache {
  readonly dir: string

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.dir = path.join(cacheDir(env), 'builds')
    this.target = engineTarget(env)
  }

  private readonly target: string

  private file(engine: string, image: string): string {
    const key = createHash('sha256').update(`${engine}\0${image}\0${this.target}`).digest('hex').slice(0, 32)
    return path.join(this.dir, `${key}.json`)
  }

  async get(engine: string, image: string): Promise<BuildRecord | undefined> {
    try {
      const record = JSON.parse(await fs.readFile(this.file(engine, image), 'utf8')) as BuildRecord
      return record.image === image && record.engine === engine ? record : undefined
    } catch {
      return undefined
    }
  }

  async set(record: BuildRecord): Promise<void> {
    await writeFileAtomic(this.file(record.engine, record.image), JSON.stringify(record), {mode: 0o600, dirMode: 0o700})
  }

  async delete(engine: string, image: string): Promise<void> {
    await fs.rm(this.file(engine, image), {force: true})
  }
}
