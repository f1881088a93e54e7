import {FaasError, errorMessage} from '../errors.js'
import type {GatewayClient} from '../gateway/client.js'
import {encodeBasicToken, saveAuth} from './auth-config.js'

export interface LoginInput {
  username: string
  password?: string
  passwordStdin: boolean
  /** Reads stdin when --password-stdin is given. */
  readStdin: () => Promise<string>
}

/** Validate --password / --password-stdin and return the password (trimmed like faas-cli). */
export async function readPassword(input: LoginInput): Promise<{password: string; warning?: string}> {
  if (input.password && input.passwordStdin) {
    throw new FaasError('--password and --password-stdin are mutually exclusive', {hint: 'Pass the password one way only; --password-stdin keeps it out of your shell history.'})
  }
  let password = input.password ?? ''
  let warning: string | undefined
  if (input.password) {
    warning = 'WARNING! Using --password is insecure, consider using: cat ~/faas_pass.txt | faas-cli login -u user --password-stdin'
  }
  if (input.passwordStdin) password = await input.readStdin()
  password = password.trim()
  if (!password) {
    throw new FaasError('Must provide a non-empty password via --password or --password-stdin', {hint: 'e.g. cat ~/faas_pass.txt | faas login -u admin --password-stdin'})
  }
  return {password, warning}
}

/**
 * Check basic credentials with `GET /system/functions` and save them for this gateway.
 * The client must have been made without credentials; this sends exactly the ones being tested.
 */
export async function loginWithBasicAuth(client: GatewayClient, username: string, password: string): Promise<string> {
  const token = encodeBasicToken(username, password)
  let res
  try {
    res = await client.request('GET', '/system/functions', {headers: {authorization: `Basic ${token}`}, withAuth: false, retry: false})
  } catch (error) {
    // faas-cli's wording, then the low-level cause (connection refused, timeout, TLS …)
    const cause = (error as {cause?: unknown}).cause
    const reason = cause ? errorMessage(cause) : errorMessage(error)
    throw new FaasError(`Cannot connect to OpenFaaS on URL: ${client.gateway}. ${reason}`, {hint: 'Check the gateway URL (--gateway or OPENFAAS_URL) and that the gateway is running.'})
  }
  if (res.status === 401) {
    throw new FaasError('Unable to login, either username or password is incorrect', {hint: 'The gateway rejected these credentials; check the username (-u) and password.'})
  }
  if (res.status !== 200) {
    throw new FaasError(`Server returned unexpected status code: ${res.status} - ${res.body.replace(/\s+/g, ' ').trim()}`)
  }
  return saveAuth({gateway: client.gateway, auth: 'basic', token})
}
