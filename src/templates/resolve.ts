/**
 * Finding the template for a language, for `new`, `build` and friends. In order:
 *   1. ./template/<lang> (what faas-cli uses);
 *   2. the stack's configuration.templates entry for it, pulled from its source (unless
 *      --disable-stack-pull);
 *   3. the templates shipped with faas, copied into ./template/<lang> with a meta.json (so
 *      the project builds the same way with faas-cli) — offline;
 *   4. the template store index (shipped, or --url / OPENFAAS_TEMPLATE_STORE_URL), pulling
 *      only that template from its repository.
 * A pinned `name@ref` skips the shipped copy and is stored as ./template/name@ref.
 */
import type {Stack} from '../stack/types.js'

import {FaasError} from '../errors.js'
import {assertTemplateName, splitPinned} from './names.js'
import {projectTemplateDir} from './paths.js'
import {SHIPPED_REPO, installShippedTemplate, isShippedTemplate} from './shipped.js'
import {type ResolvedTemplate, isDirSync, resolveLocal, resolveShipped} from './resolve-local.js'
import {readTemplateSpec} from './spec.js'

export type {ResolvedTemplate, TemplateOrigin} from './resolve-local.js'

export interface ResolveOptions {
  cwd: string
  /** Allow installing or pulling a missing template (default true). */
  allowPull?: boolean
  /** Its configuration.templates name sources for missing templates. */
  stack?: Stack
  disableStackPull?: boolean
  /** Template store index (flag value); else OPENFAAS_TEMPLATE_STORE_URL; else the shipped one. */
  storeUrl?: string
  /** Replace an existing template when pulling (only missing ones are pulled anyway). */
  overwrite?: boolean
  env?: NodeJS.ProcessEnv
  debug?: boolean
  /** Progress lines ("Pulling template: …"): stderr by default. */
  log?: (line: string) => void
}

/** The configuration.templates entry that supplies `lang`, with the repository to pull. */
export function stackTemplateSource(stack: Stack | undefined, lang: string): string | undefined {
  const entries = stack?.configuration?.templates ?? []
  const exact = entries.find((t) => t.name === lang && t.source)
  if (exact) return exact.source
  const {name, ref} = splitPinned(lang)
  if (!ref) return undefined
  const base = entries.find((t) => t.name === name && t.source)
  if (!base?.source) return undefined
  // a pinned language takes the entry's repository at the pin
  return `${base.source.replace(/#.*$/, '')}#${ref}`
}

export function notFoundError(lang: string): FaasError {
  return new FaasError(`Template: "${lang}" was not found in the templates folder or in the store`, {
    hint: 'See the templates with "faas new --list" and "faas template store list", or pull a repository with "faas template pull <url>".',
  })
}

/** Installs the template for `lang` into ./template when missing, and reads it. */
export async function resolveTemplate(lang: string, options: ResolveOptions): Promise<ResolvedTemplate> {
  assertTemplateName(lang, 'language')
  const env = options.env ?? process.env
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'))
  const dir = projectTemplateDir(options.cwd, lang)
  const local = await resolveLocal(lang, options.cwd)
  if (local) return local
  if (options.allowPull === false) {
    throw new FaasError(`Language template: ${lang} not supported, build a custom Dockerfile, error: template ${lang} not found`, {
      hint: `Pull it with "faas template store pull ${lang}" or "faas template pull <repository>".`,
    })
  }

  const {name, ref} = splitPinned(lang)
  const pull = async (repo: string) => {
    const {pullTemplates} = await import('./pull.js')
    const result = await pullTemplates(repo, {
      cwd: options.cwd,
      overwrite: options.overwrite ?? true,
      only: [{name, storeAs: lang}],
      env,
      debug: options.debug,
      log,
    })
    if (!result.written.includes(lang) && !isDirSync(dir)) throw notFoundError(lang)
  }

  const stackSource = options.disableStackPull ? undefined : stackTemplateSource(options.stack, lang)
  if (stackSource) {
    log(`Pulling template: ${lang} from ${stackSource}`)
    await pull(stackSource)
    return {dir, spec: await readTemplateSpec(dir), origin: 'stack'}
  }

  const shipped = await resolveShipped(lang, options.cwd)
  if (shipped) return shipped

  // the store (and git) only when the template is neither local nor shipped
  const {findTemplate, loadTemplateStore, templateStoreUrl} = await import('./store.js')
  const store = await loadTemplateStore(templateStoreUrl(options.storeUrl, env))
  const info = findTemplate(store.templates, name)
  if (!info) throw notFoundError(lang)
  if (info.repo === SHIPPED_REPO) {
    if (ref) {
      throw new FaasError(`Template: "${name}" ships with faas and cannot be pinned to ${ref}`, {
        hint: `Use --lang ${name}, or pull a repository that has it with "faas template pull <url>#${ref}".`,
      })
    }
    if (!isShippedTemplate(name)) throw notFoundError(lang)
    await installShippedTemplate(name, options.cwd)
    return {dir, spec: await readTemplateSpec(dir), origin: 'shipped'}
  }
  log(`Pulling template: ${lang} from store`)
  await pull(ref ? `${info.repo}#${ref}` : info.repo)
  return {dir, spec: await readTemplateSpec(dir), origin: 'store'}
}

export interface EnsureOptions {
  cwd: string
  disableStackPull?: boolean
  overwrite?: boolean
  storeUrl?: string
  env?: NodeJS.ProcessEnv
  debug?: boolean
  log?: (line: string) => void
}

export interface EnsureResult {
  /** Languages that were installed or pulled into ./template, in stack order. */
  pulled: string[]
}

/**
 * Build/publish/up/local-run auto-pull (spec §8): every language a (built) function of the
 * stack uses gets its ./template/<lang>, from the stack's configuration.templates, the
 * shipped templates or the store. `dockerfile` functions need no template.
 */
export async function ensureTemplates(stack: Stack, options: EnsureOptions): Promise<EnsureResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'))
  const langs: string[] = []
  for (const fn of stack.functions) {
    if (!fn.lang || fn.skip_build || fn.lang.toLowerCase() === 'dockerfile') continue
    if (!langs.includes(fn.lang)) langs.push(fn.lang)
  }
  const pulled: string[] = []
  for (const lang of langs) {
    assertTemplateName(lang, 'language')
    if (isDirSync(projectTemplateDir(options.cwd, lang))) continue
    await resolveTemplate(lang, {...options, stack, allowPull: true, log})
    pulled.push(lang)
  }
  if (pulled.length > 0) log(`Pulled templates: [${pulled.join(' ')}]`)
  return {pulled}
}
