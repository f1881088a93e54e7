/**
 * Image names (spec §4.1): the `:latest` default and the `--tag` formats. The git facts the
 * `sha`/`branch`/`describe` formats need are passed in as data (see `git.ts`), so everything
 * here is pure.
 */
import {FaasError} from '../errors.js'

export type TagFormat = 'latest' | 'sha' | 'branch' | 'describe' | 'digest'

/** `--tag` value → format; case-insensitive, `default`/empty mean latest (faas-cli's rules). */
export function parseTagFormat(value: string | undefined): TagFormat {
  const v = (value ?? '').trim().toLowerCase()
  if (v === '' || v === 'latest' || v === 'default') return 'latest'
  if (v === 'sha' || v === 'branch' || v === 'describe' || v === 'digest') return v
  throw new FaasError(`Invalid argument "${value}" for "--tag" flag: unknown image tag format: '${value}'`, {
    hint: 'Use one of: latest, sha, branch, describe, digest',
  })
}

/** Append `:latest` when the last path segment carries no tag (a registry port is not a tag). */
export function withLatestTag(image: string): string {
  const lastSegment = image.slice(image.lastIndexOf('/') + 1)
  if (lastSegment.includes(':') || lastSegment.includes('@')) return image
  return `${image}:latest`
}

/** Split `repo[:tag]` at the tag colon (the one after the last `/`). */
export function splitImageTag(image: string): {repository: string; tag?: string} {
  const slash = image.lastIndexOf('/')
  const colon = image.lastIndexOf(':')
  if (colon > slash) return {repository: image.slice(0, colon), tag: image.slice(colon + 1)}
  return {repository: image}
}

/** The git facts a tag format needs; only the fields the chosen format uses must be set. */
export interface GitFacts {
  sha?: string
  branch?: string
  describe?: string
}

/**
 * The image reference for `image` under `format` (§4.1):
 * latest → `img:tag`; sha → `img:tag-<sha>`; branch → `img:tag-<branch>-<sha>`;
 * describe → `img:tag-<describe>`; digest → `img:<handlerDigest>`.
 */
export function imageReference(
  image: string,
  format: TagFormat,
  facts: GitFacts & {handlerDigest?: string} = {},
): string {
  const base = withLatestTag(image)
  const need = (value: string | undefined, what: string): string => {
    if (!value) throw new Error(`imageReference: ${what} is required for --tag ${format}`)
    return value
  }
  switch (format) {
    case 'latest':
      return base
    case 'sha':
      return `${base}-${need(facts.sha, 'the git sha')}`
    case 'branch':
      return `${base}-${need(facts.branch, 'the git branch')}-${need(facts.sha, 'the git sha')}`
    case 'describe':
      return `${base}-${need(facts.describe, 'git describe')}`
    case 'digest':
      return `${splitImageTag(base).repository}:${need(facts.handlerDigest, 'the handler digest')}`
  }
}

/** Replace the tag of `image` (text after the last `:` of the last segment) — publish's --extra-tag. */
export function retagImage(image: string, tag: string): string {
  return `${splitImageTag(image).repository}:${tag}`
}

/** True when the image names an account or registry (`user/img`), which push needs. */
export function hasRegistryPrefix(image: string): boolean {
  return image.includes('/')
}
