/**
 * What `template pull` accepts as a repository (spec §8): an existing local path, or a git
 * remote (git://, ssh://, http(s)://, git@host:, and file:// as an extension for offline
 * use), optionally pinned with `#<branch|tag>` or `#sha-<hex>`. A local `.tar`, `.tar.gz` or
 * `.tgz` archive of a template repository is accepted too.
 */
import {statSync} from 'node:fs'
import path from 'node:path'

import {FaasError} from '../errors.js'
import {assertRefName, shaPin} from './names.js'

export interface GitRepoSpec {
  kind: 'git'
  /** What git clones: the URL, or the local path as given. */
  url: string
  /** The `#` pin as written (branch, tag or sha-<hex>). */
  ref?: string
  /** The commit of a sha-<hex> pin. */
  sha?: string
}

export interface ArchiveRepoSpec {
  kind: 'archive'
  file: string
}

export type RepoSpec = GitRepoSpec | ArchiveRepoSpec

export const DEFAULT_TEMPLATE_REPOSITORY = 'https://github.com/openfaas/templates.git'

const GIT_REMOTE = /^(?:(?:git|ssh|https?|file):\/\/.+|[\w.-]+@[\w.-]+:.+)$/
const ARCHIVE = /\.(?:tar|tar\.gz|tgz)$/i

function localKind(p: string, cwd: string): 'dir' | 'file' | undefined {
  try {
    const st = statSync(path.resolve(cwd, p))
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined
  } catch {
    return undefined
  }
}

export function isGitRemote(url: string): boolean {
  return GIT_REMOTE.test(url)
}

/** Parses a repository argument; throws faas-cli's error for anything else. */
export function parseRepo(input: string, cwd: string): RepoSpec {
  const whole = input ? localKind(input, cwd) : undefined
  if (whole === 'file' && ARCHIVE.test(input)) return {kind: 'archive', file: path.resolve(cwd, input)}
  if (whole === 'dir') return {kind: 'git', url: input}

  const hash = input.lastIndexOf('#')
  const base = hash >= 0 ? input.slice(0, hash) : input
  const ref = hash >= 0 ? input.slice(hash + 1) : undefined
  if (!base || (!isGitRemote(base) && localKind(base, cwd) !== 'dir')) {
    throw new FaasError('The repository URL must be a valid git repo uri', {
      hint: 'Give a git URL (https://…, git@host:owner/repo, ssh://…, file://…), optionally with #branch, #tag or #sha-<commit>, or a local folder or .tar.gz archive.',
    })
  }
  if (ref === undefined || ref === '') return {kind: 'git', url: base}
  assertRefName(ref)
  const sha = shaPin(ref)
  return sha ? {kind: 'git', url: base, ref, sha} : {kind: 'git', url: base, ref}
}

/** How a spec is named in messages and meta.json: the repository without its pin. */
export function repoDisplay(spec: RepoSpec): string {
  return spec.kind === 'git' ? spec.url : spec.file
}

/** Hosted repositories degit can fetch as a tarball: https GitHub, GitLab and Bitbucket. */
export function degitSite(url: string): {site: 'github' | 'gitlab' | 'bitbucket'; user: string; name: string} | undefined {
  const m = /^https:\/\/(?:www\.)?(github\.com|gitlab\.com|bitbucket\.org)\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url)
  if (!m) return undefined
  const site = m[1] === 'github.com' ? 'github' : m[1] === 'gitlab.com' ? 'gitlab' : 'bitbucket'
  return {site, user: m[2], name: m[3]}
}
