/**
 * Where things live: the package's own folder (for the shipped templates-store/), the
 * project's ./template folder, and our cache. The CLI runs from a bundle (dist/bundle/…) and
 * the tests from dist/src/…, so the package root is found by walking up from this module.
 */
import path from 'node:path'

import {cacheDir} from '../fsutil.js'
import {packageRoot} from '../util/package-root.js'

export {packageRoot}

/** templates-store/: the templates and index that ship with faas (work offline). */
export function shippedStoreDir(): string {
  return path.join(packageRoot(), 'templates-store')
}

/** templates-store/template/: one folder per shipped template, laid out like a template repo. */
export function shippedTemplatesDir(): string {
  return path.join(shippedStoreDir(), 'template')
}

/** templates-store/index.json: the default template store index (templates.json format). */
export function shippedIndexFile(): string {
  return path.join(shippedStoreDir(), 'index.json')
}

/** The project's template folder, `./template` (faas-cli's fixed location). */
export function projectTemplatesDir(cwd: string): string {
  return path.join(cwd, 'template')
}

/** `./template/<lang>` for an already validated language name. */
export function projectTemplateDir(cwd: string, lang: string): string {
  return path.join(projectTemplatesDir(cwd), lang)
}

/** Our template cache (degit tarballs): `$XDG_CACHE_HOME/faas/templates`, else `~/.cache/faas/templates`. */
export function templatesCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheDir(env), 'templates')
}
