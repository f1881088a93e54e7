/**
 * The template store: a templates.json index (spec §8) of templates and the repositories that
 * hold them. The default index is the one that ships with faas (templates-store/index.json),
 * so listing and looking up work offline; `--url` or OPENFAAS_TEMPLATE_STORE_URL name a remote
 * one (HTTP GET, 5 s, status 200) — or, as an extension, a local file.
 */
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {FaasError, errorMessage} from '../errors.js'
import {UPSTREAM_TEMPLATE_STORE_URL} from '../config/store-urls.js'
import {shippedIndexFile} from './paths.js'

export interface TemplateInfo {
  template: string
  platform: string
  language: string
  source: string
  description: string
  repo: string
  /** "true" or "false": a string in templates.json. */
  official: string
  recommended?: boolean
}

export interface TemplateStore {
  /** Where the index came from: its URL, or the shipped index file. */
  location: string
  /** True for the index that ships with faas. */
  shipped: boolean
  templates: TemplateInfo[]
}

export {UPSTREAM_TEMPLATE_STORE_URL}
const STORE_TIMEOUT_MS = 5000

/**
 * The index to use: the flag unless left at faas-cli's default, else OPENFAAS_TEMPLATE_STORE_URL,
 * else '' (the shipped copy of the default index).
 */
export function templateStoreUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag && flag !== UPSTREAM_TEMPLATE_STORE_URL) return flag
  return env.OPENFAAS_TEMPLATE_STORE_URL || ''
}

function storeError(message: string, cause?: unknown): FaasError {
  return new FaasError(`Error while getting templates info: ${message}`, {
    hint: 'Check the store URL (--url or OPENFAAS_TEMPLATE_STORE_URL) and any HTTP(S)_PROXY / NO_PROXY settings; without a URL, faas uses the index it ships with, which works offline.',
    cause,
  })
}

function toTemplates(text: string, location: string): TemplateInfo[] {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw storeError(`the index at ${location} is not valid JSON: ${errorMessage(error)}`, error)
  }
  if (!Array.isArray(data)) throw storeError(`the index at ${location} is not a JSON array of templates`)
  return data
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && typeof (e as {template?: unknown}).template === 'string')
    .map((e) => {
      const info: TemplateInfo = {
        template: String(e.template),
        platform: String(e.platform ?? ''),
        language: String(e.language ?? ''),
        source: String(e.source ?? ''),
        description: String(e.description ?? ''),
        repo: String(e.repo ?? ''),
        official: String(e.official ?? 'false'),
      }
      if (e.recommended !== undefined) info.recommended = e.recommended === true || e.recommended === 'true'
      return info
    })
}

async function fetchIndex(url: string): Promise<string> {
  const [{AnswerTooLargeError, GatewayClient}, {MAX_INDEX_BYTES}] = await Promise.all([import('../gateway/client.js'), import('../util/limits.js')])
  const client = new GatewayClient({gateway: url, timeoutMs: STORE_TIMEOUT_MS, userAgent: 'faas-cli'})
  let res
  try {
    res = await client.request('GET', '', {url, withAuth: false, retry: false, followRedirect: true, maxBytes: MAX_INDEX_BYTES})
  } catch (error) {
    if (error instanceof AnswerTooLargeError) throw storeError(error.message, error)
    throw storeError(`error while requesting template list: cannot reach ${url}`, error)
  }
  if (res.status !== 200) throw storeError(`unexpected status code wanted: 200 got: ${res.status}`)
  return res.body
}

/** Loads the template store index named by `url` ('' = the shipped one). */
export async function loadTemplateStore(url: string): Promise<TemplateStore> {
  if (!url) {
    const file = shippedIndexFile()
    return {location: file, shipped: true, templates: toTemplates(await fs.readFile(file, 'utf8'), file)}
  }
  if (/^https?:\/\//i.test(url)) return {location: url, shipped: false, templates: toTemplates(await fetchIndex(url), url)}
  const file = url.startsWith('file://') ? fileURLToPath(url) : path.resolve(url)
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    throw storeError(`cannot read ${file}: ${errorMessage(error)}`, error)
  }
  return {location: file, shipped: false, templates: toTemplates(text, file)}
}

/** faas-cli's order: recommended first, then `official` as a string, then name (case-insensitive). */
export function sortTemplates(templates: TemplateInfo[]): TemplateInfo[] {
  return [...templates].sort((a, b) => {
    const ra = a.recommended ? 0 : 1
    const rb = b.recommended ? 0 : 1
    if (ra !== rb) return ra - rb
    if (a.official !== b.official) return a.official < b.official ? -1 : 1
    const na = a.template.toLowerCase()
    const nb = b.template.toLowerCase()
    return na < nb ? -1 : na > nb ? 1 : 0
  })
}

export interface TemplateFilter {
  /** Keep entries of this platform (case-insensitive); '' keeps all. */
  platform?: string
  recommended?: boolean
  official?: boolean
}

export function filterTemplates(templates: TemplateInfo[], filter: TemplateFilter): TemplateInfo[] {
  const platform = (filter.platform ?? '').toLowerCase()
  return templates.filter((t) =>
    (!platform || t.platform.toLowerCase() === platform)
    && (!filter.recommended || t.recommended === true)
    && (!filter.official || t.official === 'true'))
}

/** The entry named `name` (`template` or `source/template`); the first match wins. */
export function findTemplate(templates: TemplateInfo[], name: string): TemplateInfo | undefined {
  return templates.find((t) => t.template === name) ?? templates.find((t) => `${t.source}/${t.template}` === name)
}
