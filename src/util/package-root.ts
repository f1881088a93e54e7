import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

let cached: string | undefined

/**
 * The folder of the installed faas package (the one with our package.json). Works from the
 * bundle (dist/bundle/…), from compiled sources (dist/src/…) and from tests (dist/test/…).
 */
export function packageRoot(): string {
  if (cached) return cached
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const candidate = path.join(dir, 'package.json')
    if (existsSync(candidate)) {
      try {
        if (JSON.parse(readFileSync(candidate, 'utf8')).name === 'faas') {
          cached = dir
          return dir
        }
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error('cannot find the faas package root')
    dir = parent
  }
}

export interface BuildInfo {
  version: string
  commit: string
}

/** Version from package.json, commit from dist/build-info.json (written by the build). */
export function buildInfo(): BuildInfo {
  const root = packageRoot()
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {version: string}
  let commit = 'dev'
  try {
    commit = (JSON.parse(readFileSync(path.join(root, 'dist', 'build-info.json'), 'utf8')) as {commit?: string}).commit || 'dev'
  } catch {
    // a build without git metadata
  }
  return {version: pkg.version, commit}
}
