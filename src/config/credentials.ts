import type {GatewayAuth} from '../gateway/client.js'
import {encodeBasicToken, lookupAuth} from './auth-config.js'

/**
 * The Authorization header for a gateway: an explicit --token wins (faas-cli's classic client
 * ignored it when basic credentials were stored, §10); else the saved entry for exactly this
 * gateway URL (basic → Basic, oauth2 → Bearer); else the credentials of a `faas gateway` running
 * on this machine at that address (local-gateway.ts); else none — never an empty `Bearer `.
 */
export async function resolveAuth(
  gateway: string,
  token?: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Promise<GatewayAuth | undefined> {
  if (token) return {header: `Bearer ${token}`}
  const entry = await lookupAuth(gateway, env, cwd)
  if (!entry?.token) {
    const {localGatewayCredentials} = await import('./local-gateway.js')
    const local = await localGatewayCredentials(gateway, env)
    return local ? {header: `Basic ${encodeBasicToken(local.user, local.password)}`} : undefined
  }
  if (entry.auth === 'basic') return {header: `Basic ${entry.token}`}
  return {header: `Bearer ${entry.token}`}
}
