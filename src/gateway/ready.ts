/**
 * `ready [NAME]`: poll the gateway's /healthz, or a function's available replicas, until ready
 * or out of attempts. The timeout message says how long we waited (faas-cli always said 0s, §10).
 */
import {FaasError, errorMessage, isFaasError} from '../errors.js'
import {formatDuration} from '../util/duration.js'
import type {GatewayClient} from './client.js'
import {fetchFunction} from './functions.js'
import {qualifiedName} from './http.js'

export interface ReadyInput {
  name?: string
  namespace?: string
  attempts: number
  intervalMs: number
  /** Progress lines (stderr). */
  log: (text: string) => void
  sleep?: (ms: number) => Promise<void>
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export async function waitReady(client: GatewayClient, input: ReadyInput): Promise<{elapsedMs: number; message: string}> {
  const sleep = input.sleep ?? defaultSleep
  const started = Date.now()
  const attempts = Math.max(1, input.attempts)
  const who = input.name ? qualifiedName(input.name, input.namespace) : undefined
  for (let i = 1; i <= attempts; i++) {
    if (input.name) {
      try {
        const fn = await fetchFunction(client, input.name, input.namespace)
        if (fn && (fn.availableReplicas ?? 0) > 0) return {elapsedMs: Date.now() - started, message: `Function ${input.name} is ready`}
        input.log(`[${i}/${attempts}] Waiting for function ${who}`)
      } catch (error) {
        // credentials and permissions do not fix themselves: stop now
        if (isFaasError(error) && /unauthorized|forbidden/i.test(error.message)) throw error
        input.log(`[${i}/${attempts}] Error reaching OpenFaaS gateway: ${errorMessage(error)}`)
      }
    } else {
      try {
        const res = await client.request('GET', '/healthz', {url: `${new URL(client.gateway).origin}/healthz`, withAuth: false, retry: false, timeoutMs: Math.max(input.intervalMs, 5000)})
        if (res.status === 200) return {elapsedMs: Date.now() - started, message: 'OpenFaaS gateway is ready'}
        input.log(`[${i}/${attempts}] Waiting for gateway`)
      } catch (error) {
        input.log(`[${i}/${attempts}] Error reaching OpenFaaS gateway: ${errorMessage(error)}`)
      }
    }
    if (i < attempts) await sleep(input.intervalMs)
  }
  const waited = formatDuration(Math.round((Date.now() - started) / 100) * 100)
  if (input.name) {
    throw new FaasError(`function ${who} not ready after: ${waited}`, {hint: 'Check "faas describe" and the function\'s logs; raise --attempts or --interval to wait longer.'})
  }
  throw new FaasError(`gateway: ${client.gateway} not ready after: ${waited}`, {hint: 'Check that the gateway is running and the URL is right; raise --attempts or --interval to wait longer.'})
}
