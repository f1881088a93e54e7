import {FaasError} from '../errors.js'
import type {GatewayClient} from './client.js'
import {oneLine, unexpectedStatus} from './client.js'
import type {GatewayInfo, ProviderInfo} from './types.js'

export type {GatewayInfo, ProviderInfo} from './types.js'

export async function fetchGatewayInfo(client: GatewayClient, timeoutMs = 5000): Promise<GatewayInfo> {
  const res = await client.request('GET', '/system/info', {timeoutMs})
  if (res.status !== 200) throw unexpectedStatus(res)
  let body: unknown
  try {
    body = JSON.parse(res.body)
  } catch {
    throw new FaasError(`the gateway sent malformed JSON for /system/info: ${oneLine(res.body, 80)}`, {hint: 'Is the URL really an OpenFaaS gateway?'})
  }
  return asGatewayInfo(body)
}

/**
 * A gateway's /system/info (GatewayInfo: `provider` is an object) or a provider's, asked
 * directly (faas-provider's ProviderInfo: `provider` is its name), as GatewayInfo.
 */
export function asGatewayInfo(body: unknown): GatewayInfo {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return {}
  const b = body as Record<string, unknown>
  if (typeof b.provider === 'string') {
    const p: ProviderInfo = {provider: b.provider}
    if (typeof b.orchestration === 'string') p.orchestration = b.orchestration
    if (b.version && typeof b.version === 'object') p.version = b.version as ProviderInfo['version']
    return {provider: p}
  }
  return b as GatewayInfo
}

/**
 * The provider name our embedded gateway (`faas gateway`) reports in /system/info, directly
 * (GatewayInfo.provider.provider) and as the provider of an OpenFaaS gateway (ProviderInfo.provider).
 */
export const LOCAL_PROVIDER_NAME = 'faas-local'

/**
 * Whether the gateway is our embedded one, or an OpenFaaS gateway whose provider it is: either
 * way functions run as host processes, so `up` builds with the host builder (a container image
 * could not run there). Any error → false.
 */
export async function isLocalRuntimeGateway(client: GatewayClient): Promise<boolean> {
  try {
    const info = await fetchGatewayInfo(client, 2000)
    return info.provider?.provider === LOCAL_PROVIDER_NAME
  } catch {
    return false
  }
}
