/**
 * Sending FunctionDeployments to a gateway (spec §5.1 deploy): PUT (rolling update) and POST when
 * the PUT answers 404; with `replace`, DELETE then POST; with neither, POST. 200, 201 and 202
 * are success (faas-cli failed on 201, §10). Many functions go out concurrently (`parallel`),
 * each function's requests in the same order as a sequential run, results in input order.
 *
 * `up` reuses `deployFunctions` with bodies it resolved itself; the command renders.
 */
import {functionUrl} from '../config/gateway.js'
import {errorMessage, isFaasError} from '../errors.js'
import type {GatewayClient, GatewayResponse} from './client.js'
import {isUnreachable, loginHint, oneLine, statusHint} from './client.js'
import {statusLine} from './http.js'
import {runOrdered} from './ordered-pool.js'
import type {FunctionDeployment} from './types.js'

export interface DeployOptions {
  /** DELETE the function first, then POST. */
  replace?: boolean
  /** PUT first (rolling update), POST when the function does not exist. Default true. */
  update?: boolean
  /** Functions deployed at once (default 4). */
  parallel?: number
  /** Per-request timeout in ms (the --timeout flag); the client's default otherwise. */
  timeoutMs?: number
  /** Called once per function, in input order, as soon as it and all before it are done. */
  onResult?: (result: DeployResult, index: number) => void
}

export interface DeployResult {
  name: string
  namespace?: string
  ok: boolean
  /** The final status code (0 when the gateway could not be reached). */
  status: number
  /** Go's `res.Status`, e.g. `202 Accepted`. */
  statusLine?: string
  /** The PUT answered 200: an existing function was updated in place. */
  rollingUpdate: boolean
  /** `<gw>/function/<name>[.<ns>]` */
  url: string
  error?: string
  hint?: string
  /** Not attempted, because the gateway was unreachable for an earlier function. */
  skipped?: boolean
  /** The gateway could not be reached at all. */
  unreachable?: boolean
  /** What the gateway said it could not honour (`Warning` headers, e.g. limits `faas gateway` can't enforce). */
  warnings?: string[]
}

export const DEFAULT_DEPLOY_PARALLEL = 10


const SUCCESS = new Set([200, 201, 202])

/** Deploy one function. Never throws: failures come back as `ok: false` with a one-line error. */
export async function deployFunction(client: GatewayClient, spec: FunctionDeployment, options: DeployOptions = {}): Promise<DeployResult> {
  const update = options.update ?? true
  const base = {name: spec.service, namespace: spec.namespace || undefined, url: functionUrl(client.gateway, spec.service, spec.namespace || undefined)}
  const req = {json: spec, timeoutMs: options.timeoutMs}
  try {
    let rollingUpdate = false
    let res: GatewayResponse
    if (options.replace) {
      const del: {functionName: string; namespace?: string} = {functionName: spec.service}
      if (spec.namespace) del.namespace = spec.namespace
      // a function that is not there yet is fine: the POST creates it
      await client.request('DELETE', '/system/functions', {json: del, timeoutMs: options.timeoutMs})
      res = await client.request('POST', '/system/functions', req)
    } else if (update) {
      res = await client.request('PUT', '/system/functions', req)
      if (res.status === 404) res = await client.request('POST', '/system/functions', req)
      else if (res.status === 200) rollingUpdate = true
    } else {
      res = await client.request('POST', '/system/functions', req)
    }
    if (SUCCESS.has(res.status)) {
      const warnings = warningTexts(res.headers.warning)
      return {...base, ok: true, status: res.status, statusLine: statusLine(res), rollingUpdate, ...(warnings.length ? {warnings} : {})}
    }
    if (res.status === 401) {
      return {...base, ok: false, status: 401, statusLine: statusLine(res), rollingUpdate, error: 'unauthorized access, run "faas-cli login" to setup authentication for this server', hint: loginHint(client.gateway)}
    }
    return {...base, ok: false, status: res.status, statusLine: statusLine(res), rollingUpdate, error: `Unexpected status: ${res.status}, message: ${oneLine(res.body)}`, hint: statusHint(res.status, res.body)}
  } catch (error) {
    return {...base, ok: false, status: 0, rollingUpdate: false, error: errorMessage(error), hint: isFaasError(error) ? error.hint : undefined, unreachable: isUnreachable(error)}
  }
}

/** The texts of RFC 9110 `Warning` headers (`299 agent "text"`; several may be joined by commas). */
export function warningTexts(header: string | string[] | undefined): string[] {
  const out: string[] = []
  for (const value of [header ?? []].flat()) {
    for (const m of value.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) out.push(m[1].replace(/\\(.)/g, '$1'))
  }
  return out
}

/**
 * Deploy many functions, at most `parallel` at once. Results (and `onResult` calls) are in input
 * order. Once the gateway proved unreachable, the functions not yet started are skipped.
 */
export async function deployFunctions(client: GatewayClient, specs: readonly FunctionDeployment[], options: DeployOptions = {}): Promise<DeployResult[]> {
  let unreachable = false
  return runOrdered(
    specs,
    async (spec) => {
      const result = await deployFunction(client, spec, options)
      if (result.unreachable) unreachable = true
      return result
    },
    (spec) => ({
      name: spec.service, namespace: spec.namespace || undefined, ok: false, status: 0, rollingUpdate: false,
      url: functionUrl(client.gateway, spec.service, spec.namespace || undefined), skipped: true, error: 'not attempted: the gateway is unreachable',
    }),
    {limit: options.parallel ?? DEFAULT_DEPLOY_PARALLEL, onResult: options.onResult, stop: () => unreachable},
  )
}
