import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

let cached: string | undefined

/** This module's file path (node:url's fileURLToPath, without loading node:url: `new` start-up). */
function thisFile(): string {
  const file = decodeURIComponent(new URL(import.meta.url).pathname)
  return process.platform === 'win32' ? file.replace(/^\/([A-Za-z]:)/, '$1').replaceAll('/', '\\') : file
}

/**
 * The folder of the installed faas package: the one holding package.json and templates-store/.
 * Works from the bundle (dist/bundle/…), from compiled sources (dist/src/…) and from tests.
 */
export function packageRoot(): string {
  if (cached) return cached
  let dir = path.dirname(thisFile())
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'templates-store'))) {
      cached = dir
      return dir
    }
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`cannot find the faas package root above ${thisFile()}`)
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
