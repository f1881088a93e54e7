import {FaasError} from '../errors.js'
import type {GatewayClient} from './client.js'
import {oneLine, unexpectedStatus} from './client.js'

/** GET /system/info, as the gateway wraps the provider's answer (spec §5, runtime §4). */
export interface GatewayInfo {
  provider?: {provider?: string; orchestration?: string; version?: {sha?: string; release?: string; commit_message?: string}}
  version?: {sha?: string; release?: string; commit_message?: string}
  arch?: string
}

export async function fetchGatewayInfo(client: GatewayClient, timeoutMs = 5000): Promise<GatewayInfo> {
  const res = await client.request('GET', '/system/info', {timeoutMs})
  if (res.status !== 200) throw unexpectedStatus(res)
  try {
    return JSON.parse(res.body) as GatewayInfo
  } catch {
    throw new FaasError(`the gateway sent malformed JSON for /system/info: ${oneLine(res.body, 80)}`, {hint: 'Is the URL really an OpenFaaS gateway?'})
  }
}

/** The provider name our embedded gateway (`faas gateway`) reports in /system/info. */
export const LOCAL_PROVIDER_NAME = 'faas-local'

/**
 * Whether the gateway is our embedded one, which runs functions as host processes: `up` then
 * builds with the host builder, since a container image could not run there. Any error → false.
 */
export async function isLocalRuntimeGateway(client: GatewayClient): Promise<boolean> {
  try {
    const info = await fetchGatewayInfo(client, 2000)
    return info.provider?.provider === LOCAL_PROVIDER_NAME
  } catch {
    return false
  }
}
