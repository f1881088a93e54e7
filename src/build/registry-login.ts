/**
 * `faas registry-login` (spec §4.6): a docker `config.json` for the registry, written to
 * `./credentials/config.json` — the file OpenFaaS builders mount to push images.
 */
import path from 'node:path'

import {FaasError} from '../errors.js'
import {writeFileAtomic} from '../fsutil.js'

export const DEFAULT_REGISTRY_SERVER = 'https://index.docker.io/v1/'
export const REGISTRY_CONFIG_PATH = './credentials/config.json'

export interface RegistryLoginInput {
  server: string
  username?: string
  password?: string
  ecr?: boolean
  accountId?: string
  region?: string
}

/** The config.json object for basic credentials or for the ECR credential helper. */
export function registryConfig(input: RegistryLoginInput): Record<string, unknown> {
  if (input.ecr) {
    if (!input.accountId) throw new FaasError('the --account-id flag is required with --ecr', {hint: 'Give your AWS account id, e.g. --account-id 123456789012'})
    if (!input.region) throw new FaasError('the --region flag is required with --ecr', {hint: 'Give the registry\'s AWS region, e.g. --region eu-west-1'})
    return {credsStore: 'ecr-login', credHelpers: {[`${input.accountId}.dkr.ecr.${input.region}.amazonaws.com`]: 'ecr-login'}}
  }
  if (!input.username || !input.password) {
    throw new FaasError('Both --username and (--password-stdin or --password) are required', {hint: 'e.g. echo $TOKEN | faas registry-login -u user --password-stdin --server ghcr.io'})
  }
  const auth = Buffer.from(`${input.username}:${input.password}`).toString('base64')
  return {auths: {[input.server]: {auth}}}
}

/** Write `./credentials/config.json` (folder and file mode 0744, like faas-cli); returns its path. */
export async function writeRegistryConfig(cwd: string, input: RegistryLoginInput): Promise<string> {
  const config = registryConfig(input)
  const file = path.resolve(cwd, REGISTRY_CONFIG_PATH)
  await writeFileAtomic(file, JSON.stringify(config, null, 1), {mode: 0o744, dirMode: 0o744})
  return file
}

/** `faas registry-login`: password from the flag or stdin, then the file; returns the path as faas-cli prints it. */
export async function registryLoginCommand(input: RegistryLoginInput & {
  cwd: string
  passwordStdin?: boolean
  readStdin: () => Promise<string>
  warn: (text: string) => void
}): Promise<string> {
  let password = input.password
  if (input.passwordStdin) {
    if (password) throw new FaasError('--password and --password-stdin are mutually exclusive')
    password = (await input.readStdin()).trim()
  } else if (password && !input.ecr) {
    input.warn('WARNING! Using --password is insecure, consider using: cat ~/password.txt | faas registry-login -u user --password-stdin')
  }
  await writeRegistryConfig(input.cwd, {...input, password})
  return REGISTRY_CONFIG_PATH
}
