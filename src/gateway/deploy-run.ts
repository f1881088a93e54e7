/**
 * The `deploy` service: stack (or flags) → FunctionDeployment bodies → the gateway. The command
 * parses flags and renders; this decides what is sent.
 */
import {FaasError} from '../errors.js'
import type {Stack} from '../stack/types.js'
import type {GatewayClient} from './client.js'
import {type DeployOptions, type DeployResult, deployFunctions} from './deploy.js'
import {type DeployFlagValues, deploymentFromFlags, deploymentsFromStack} from './deploy-spec.js'

export interface RunDeployInput {
  client: GatewayClient
  stack?: Stack
  flags: DeployFlagValues
  cwd: string
  options: DeployOptions
}

export interface RunDeployOutput {
  stackMode: boolean
  results: DeployResult[]
}

/** `--update` and `--replace` exclude each other; `--replace` alone means a replace (update off). */
export function deployMode(flags: {update: boolean; replace: boolean}, updateGiven: boolean): {update: boolean; replace: boolean} {
  if (flags.replace && flags.update && updateGiven) {
    throw new FaasError('Cannot specify --update and --replace at the same time', {
      hint: '--replace removes an existing deployment before re-creating it; --update (the default) performs a rolling update. Use one of them.',
    })
  }
  return flags.replace ? {update: false, replace: true} : {update: flags.update, replace: false}
}

export async function runDeploy(input: RunDeployInput): Promise<RunDeployOutput> {
  const stackMode = input.stack !== undefined && input.stack.functions.length > 0
  const specs = stackMode
    ? await deploymentsFromStack(input.stack!, input.flags, input.cwd)
    : [await deploymentFromFlags(input.flags, input.cwd)]
  const results = await deployFunctions(input.client, specs, input.options)
  return {stackMode, results}
}
