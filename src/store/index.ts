/**
 * The function store (spec §8): an index of ready-made function images. The default index is
 * `function-store.json`, shipped in the package, so `store list` works offline; `--url` or
 * `OPENFAAS_STORE` name another one (http(s) URL, file: URL or path).
 */
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {FaasError} from '../errors.js'
import {namedItems} from '../gateway/http.js'
import {packageRoot} from '../util/package-root.js'

export interface StoreFunction {
  name: string
  title: string
  author?: string
  description?: string
  icon?: string
  fprocess?: string
  repo_url?: string
  readOnlyRootFilesystem?: boolean
  environment?: Record<string, string> | null
  labels?: Record<string, string> | null
  annotations?: Record<string, string> | null
  /** Image per platform: x86_64, arm64, armhf. */
  images: Record<string, string>
}

export interface FunctionStore {
  version?: string
  functions: StoreFunction[]
}

export const SHIPPED_STORE_FILE = 'function-store.json'

export function shippedStorePath(): string {
  return path.join(packageRoot(), SHIPPED_STORE_FILE)
}

/** `-p` or this machine's platform, in the store's names (x86_64, arm64, armhf). */
export function storePlatform(flag: string | undefined, arch: string = process.arch): string {
  if (flag) {
    const known: Record<string, string> = {'linux/amd64': 'x86_64', amd64: 'x86_64', 'linux/arm64': 'arm64', aarch64: 'arm64', 'linux/arm/v6': 'armhf', 'linux/arm/v7': 'armhf'}
    return known[flag.toLowerCase()] ?? flag
  }
  if (arch === 'arm64') return 'arm64'
  if (arch === 'arm') return 'armhf'
  return 'x86_64'
}

/** Where the index comes from: --url, else OPENFAAS_STORE, else the shipped file. */
export function storeSource(url: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return url || env.OPENFAAS_STORE || shippedStorePath()
}

export interface LoadStoreOptions {
  url?: string
  env?: NodeJS.ProcessEnv
  tlsNoVerify?: boolean
  userAgent?: string
  timeoutMs?: number
}

function parseStore(text: string, source: string): FunctionStore {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new FaasError(`the function store at ${source} is not valid JSON`, {hint: 'Check --url / OPENFAAS_STORE: it must point at a functions.json index.'})
  }
  // older indexes are a bare list of functions
  const store = (Array.isArray(doc) ? {functions: doc} : doc) as FunctionStore
  if (!store || !Array.isArray(store.functions)) {
    throw new FaasError(`the function store at ${source} has no "functions" list`, {hint: 'Check --url / OPENFAAS_STORE: it must point at a functions.json index.'})
  }
  // entries that are not objects with a name are skipped; the texts shown are made text
  const functions = namedItems<StoreFunction>(store.functions).map((f) => {
    const out = {...f}
    for (const key of ['title', 'author', 'description'] as const) if (out[key] !== undefined && out[key] !== null && typeof out[key] !== 'string') out[key] = String(out[key])
    return out
  })
  return {...store, functions}
}

export async function loadFunctionStore(options: LoadStoreOptions = {}): Promise<{store: FunctionStore; source: string}> {
  const source = storeSource(options.url, options.env)
  if (/^https?:\/\//i.test(source)) {
    const [{AnswerTooLargeError, GatewayClient}, {MAX_INDEX_BYTES}] = await Promise.all([import('../gateway/client.js'), import('../util/limits.js')])
    const client = new GatewayClient({gateway: new URL(source).origin, tlsNoVerify: options.tlsNoVerify, userAgent: options.userAgent, env: options.env})
    let res
    try {
      res = await client.request('GET', '', {url: source, withAuth: false, timeoutMs: options.timeoutMs ?? 60_000, followRedirect: true, maxBytes: MAX_INDEX_BYTES})
    } catch (error) {
      if (error instanceof AnswerTooLargeError) throw error
      throw new FaasError(`Cannot connect to OpenFaaS store at URL: ${source}`, {hint: `${(error as Error).message}. Leave out --url (and OPENFAAS_STORE) to use the index shipped with faas.`})
    }
    if (res.status !== 200) {
      throw new FaasError(`server returned unexpected status code: ${res.status} fetching the function store ${source}`, {hint: 'Check --url / OPENFAAS_STORE.'})
    }
    return {store: parseStore(res.body, source), source}
  }
  const file = source.startsWith('file:') ? fileURLToPath(source) : path.resolve(source)
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    throw new FaasError(`cannot read the function store ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`, {hint: 'Check --url / OPENFAAS_STORE.'})
  }
  return {store: parseStore(text, source), source}
}

/** The functions that have an image for the platform, in index order. */
export function functionsForPlatform(store: FunctionStore, platform: string): StoreFunction[] {
  return store.functions.filter((f) => f.images && typeof f.images[platform] === 'string' && f.images[platform] !== '')
}

/** Every platform named by some function (for the "try one of" hint). */
export function storePlatforms(store: FunctionStore): string[] {
  return [...new Set(store.functions.flatMap((f) => Object.keys(f.images ?? {})))].sort()
}

/** By name, else by title (case-sensitive first, then case-insensitive). */
export function findStoreFunction(store: FunctionStore, nameOrTitle: string, platform: string): StoreFunction {
  const available = functionsForPlatform(store, platform)
  const lower = nameOrTitle.toLowerCase()
  const found = available.find((f) => f.name === nameOrTitle) ?? available.find((f) => f.title === nameOrTitle)
    ?? available.find((f) => f.name.toLowerCase() === lower || f.title?.toLowerCase() === lower)
  if (!found) {
    const elsewhere = store.functions.find((f) => f.name === nameOrTitle || f.title === nameOrTitle)
    throw new FaasError(`Function '${nameOrTitle}' not found for platform '${platform}'`, {
      hint: elsewhere
        ? `It exists for ${Object.keys(elsewhere.images ?? {}).join(', ')}: pass -p <platform>.`
        : 'Run "faas store list" to see the functions of the store.',
    })
  }
  return found
}
