/** Gateway URL and namespace resolution (spec §6). Pure functions: no I/O. */

export const DEFAULT_GATEWAY = 'http://127.0.0.1:8080'
export const DEFAULT_FUNCTION_NAMESPACE = 'openfaas-fn'

export interface GatewaySources {
  /** Value of -g/--gateway ('' or undefined when not given). */
  flag?: string
  /** Whether -g was given explicitly on the command line (logs: an explicit flag always wins). */
  flagExplicit?: boolean
  /** provider.gateway of the stack file, when the command consults the stack. */
  stack?: string
  /** OPENFAAS_URL. */
  env?: string
}

/**
 * faas-cli's precedence: the flag when set and not the default; then the stack's
 * provider.gateway when set and not the default; then OPENFAAS_URL; then the default. So the
 * stack gateway beats OPENFAAS_URL, and `-g http://127.0.0.1:8080` cannot override a stack
 * gateway (unless `flagExplicit` is set, which only `logs` does).
 */
export function resolveGatewayUrl(sources: GatewaySources): string {
  const {flag, stack, env} = sources
  let url: string
  if (flag && (flag !== DEFAULT_GATEWAY || sources.flagExplicit)) url = flag
  else if (stack && stack !== DEFAULT_GATEWAY) url = stack
  else if (env) url = env
  else url = DEFAULT_GATEWAY
  return normaliseGatewayUrl(url)
}

/** Lower-case, trim trailing slashes, add `http://` when no scheme is given. */
export function normaliseGatewayUrl(url: string): string {
  let out = url.trim().toLowerCase()
  out = out.replace(/\/+$/, '')
  if (!out.startsWith('http')) out = `http://${out}`
  return out
}

/** True for URLs where faas-cli warns about an unencrypted connection. */
export function isInsecureGateway(url: string): boolean {
  return !url.startsWith('https') && !url.startsWith('http://127.0.0.1') && !url.startsWith('http://localhost')
}

export const INSECURE_GATEWAY_WARNING =
  'WARNING! You are not using an encrypted connection to the gateway, consider using HTTPS.'

/** `<gw>/function/<name>[.<ns>]`, the URL faas-cli prints for a function. */
export function functionUrl(gateway: string, name: string, namespace?: string, async = false): string {
  const route = async ? 'async-function' : 'function'
  return `${gateway}/${route}/${name}${namespace ? `.${namespace}` : ''}`
}
