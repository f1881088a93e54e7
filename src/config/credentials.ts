import type {GatewayAuth} from '../gateway/client.js'
import {lookupAuth} from './auth-config.js'

/**
 * The Authorization header for a gateway: an explicit --token wins (faas-cli's classic client
 * ignored it when basic credentials were stored, §10); else the saved entry for exactly this
 * gateway URL (basic → Basic, oauth2 → Bearer); else none — never an empty `Bearer `.
 */
export async function resolveAuth(
  gateway: string,
  token?: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Promise<GatewayAuth | undefined> {
  if (token) return {header: `Bearer ${token}`}
  const entry = await lookupAuth(gateway, env, cwd)
  if (!entry?.token) return undefined
  if (entry.auth === 'basic') return {header: `Basic ${entry.token}`}
  return {header: `Bearer ${entry.token}`}
}
