import {FaasError, errorMessage} from '../errors.js'
import {MAX_INDEX_BYTES, readLimited} from './limits.js'

/** The newest published version of this package (faas-cli-ts) on npm (`faas` there is an unrelated package). */
export const DEFAULT_UPDATE_URL = 'https://registry.npmjs.org/faas-cli-ts/latest'

/**
 * Ask the npm registry for the newest published faas (only when the user asked with
 * --warn-update). FAAS_UPDATE_URL points it elsewhere (tests, mirrors).
 */
export async function checkForUpdate(current: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const url = env.FAAS_UPDATE_URL || DEFAULT_UPDATE_URL
  let latest: string
  try {
    const res = await fetch(url, {signal: AbortSignal.timeout(5000)})
    if (!res.ok) throw new Error(`status ${res.status}`)
    // a package document is kilobytes: read no more than an index
    const body = res.body ? await readLimited(res.body, MAX_INDEX_BYTES) : Buffer.alloc(0)
    latest = (JSON.parse(body.toString('utf8')) as {version?: string}).version ?? ''
  } catch (error) {
    throw new FaasError(`Unable to find latest version online error: ${errorMessage(error)}`, {hint: 'Leave out --warn-update when offline.'})
  }
  if (latest && compareVersions(latest, current) > 0) return `Your faas version (${current}) may be out of date. Version: ${latest} is now available.`
  return undefined
}

export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0)
  const pb = b.replace(/^v/, '').split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d) return d
  }
  return 0
}
