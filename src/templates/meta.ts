/**
 * meta.json: faas-cli records in each pulled template where it came from. We write the same
 * fields (compact JSON, like Go's encoding) for git pulls and for shipped templates.
 */
import fs from 'node:fs'
import path from 'node:path'

export interface TemplateMeta {
  repository: string
  ref_name?: string
  sha: string
  written_at: string
}

export function metaJson(meta: {repository: string; ref?: string; sha: string; now?: Date}): string {
  const out: TemplateMeta = {repository: meta.repository, sha: meta.sha, written_at: (meta.now ?? new Date()).toISOString()}
  if (meta.ref) out.ref_name = meta.ref
  // key order as faas-cli writes it
  return JSON.stringify({repository: out.repository, ref_name: out.ref_name, sha: out.sha, written_at: out.written_at})
}

export async function readMeta(dir: string): Promise<TemplateMeta | undefined> {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as TemplateMeta
  } catch {
    return undefined
  }
}

/** A git-style 40-hex digest of a folder's files (paths and bytes), for shipped templates. */
export async function treeDigest(dir: string): Promise<string> {
  const {createHash} = await import('node:crypto')
  const hash = createHash('sha1')
  const walk = async (rel: string): Promise<void> => {
    const dirents = fs.readdirSync(path.join(dir, rel), {withFileTypes: true})
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const d of dirents) {
      const childRel = rel ? `${rel}/${d.name}` : d.name
      if (d.isDirectory()) await walk(childRel)
      else if (d.isFile()) {
        hash.update(childRel).update('\0').update(fs.readFileSync(path.join(dir, childRel))).update('\0')
      }
    }
  }
  await walk('')
  return hash.digest('hex')
}
