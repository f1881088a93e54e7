/**
 * Pulls driven by a name rather than a URL: `template store pull NAME[@REF]` (the store entry
 * gives the repository) and `template pull stack` (configuration.templates gives them).
 */
import {existsSync} from 'node:fs'

import type {Stack} from '../stack/types.js'

import {FaasError} from '../errors.js'
import {assertTemplateName, splitPinned} from './names.js'
import {projectTemplateDir} from './paths.js'
import {type PullResult, pullTemplates} from './pull.js'
import {SHIPPED_REPO, installShippedTemplate, isShippedTemplate} from './shipped.js'
import {findTemplate, loadTemplateStore} from './store.js'

export interface NamedPullOptions {
  cwd: string
  overwrite: boolean
  /** Template store index: '' for the shipped one. */
  storeUrl: string
  env?: NodeJS.ProcessEnv
  debug?: boolean
  /** Progress (stderr by default). */
  log?: (line: string) => void
}

/**
 * `template store pull NAME[@REF]`: the template NAME from the repository its store entry
 * names, stored as NAME (or NAME@REF). faas-cli copies every template of that repository
 * (spec §10); only the one asked for is written here. Shipped entries install offline.
 */
export async function pullFromStore(nameWithRef: string, options: NamedPullOptions): Promise<PullResult> {
  const {name, ref} = splitPinned(nameWithRef)
  const store = await loadTemplateStore(options.storeUrl)
  const info = findTemplate(store.templates, name)
  if (!info) {
    throw new FaasError(`Template with name: \`${name}\` does not exist in the repo`, {
      hint: `See the store with "faas template store list"${store.shipped ? '' : ` --url ${store.location}`}.`,
    })
  }
  const storeAs = ref ? `${info.template}@${ref}` : info.template
  assertTemplateName(storeAs)
  if (info.repo === SHIPPED_REPO) {
    if (ref) throw new FaasError(`Template: "${info.template}" ships with faas and cannot be pinned to ${ref}`)
    if (!isShippedTemplate(info.template)) throw new FaasError(`Template: "${info.template}" is not among the templates shipped with this faas`)
    if (!options.overwrite && existsSync(projectTemplateDir(options.cwd, info.template))) {
      return {repository: SHIPPED_REPO, sha: '', written: [], existing: [info.template]}
    }
    await installShippedTemplate(info.template, options.cwd)
    return {repository: SHIPPED_REPO, sha: '', written: [info.template], existing: []}
  }
  return pullTemplates(ref ? `${info.repo}#${ref}` : info.repo, {
    cwd: options.cwd,
    overwrite: options.overwrite,
    only: [{name: info.template, storeAs}],
    env: options.env,
    debug: options.debug,
    log: options.log,
  })
}

export interface StackPullOptions extends NamedPullOptions {
  /** Lines for stdout as they happen (`Pulling template: …`, `Wrote …`). */
  report: (line: string) => void
}

/**
 * `template pull stack`: each configuration.templates entry, only that template, from its
 * source (or the store when it has none). Returns every result in entry order.
 */
export async function pullStackTemplates(stack: Stack | undefined, options: StackPullOptions): Promise<PullResult[]> {
  const entries = stack?.configuration?.templates ?? []
  if (entries.length === 0) {
    throw new FaasError("Can't read configuration: no template repos currently configured", {
      hint: 'List them in the stack file under configuration.templates (name and source).',
    })
  }
  const results: PullResult[] = []
  for (const entry of entries) {
    assertTemplateName(entry.name)
    const {name, ref} = splitPinned(entry.name)
    let result: PullResult
    if (entry.source) {
      options.report(`Pulling template: ${entry.name} from ${entry.source}`)
      const repo = ref && !entry.source.includes('#') ? `${entry.source}#${ref}` : entry.source
      result = await pullTemplates(repo, {
        cwd: options.cwd,
        overwrite: options.overwrite,
        only: [{name, storeAs: entry.name}],
        env: options.env,
        debug: options.debug,
        log: options.log,
      })
    } else {
      options.report(`Pulling template: ${entry.name} from store`)
      result = await pullFromStore(entry.name, options)
    }
    options.report(`Wrote ${result.written.length} template(s) : [${result.written.join(' ')}]`)
    results.push(result)
  }
  return results
}
