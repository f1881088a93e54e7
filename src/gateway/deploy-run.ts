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
  // what to deploy is known and valid: now say at once if there is no gateway to deploy to
  const {requireReachableGateway} = await import('./reachable.js')
  await requireReachableGateway(input.client.gateway)
  const results = await deployFunctions(input.client, specs, input.options)
  return {stackMode, results}
}

/** The [DEPLOY] flags as deploy and up parse them (spec §1.1): oclif's names, --timeout in ms. */
export type DeployCommandFlags = Omit<DeployFlagValues, 'readTemplate' | 'cpuRequest' | 'cpuLimit' | 'memoryRequest' | 'memoryLimit'> & {
  'read-template': boolean
  'cpu-request': string
  'cpu-limit': string
  'memory-request': string
  'memory-limit': string
  timeout: number
}

export function deployFlagValues(flags: DeployCommandFlags): DeployFlagValues {
  return {
    env: flags.env, label: flags.label, annotation: flags.annotation, secret: flags.secret, constraint: flags.constraint,
    readonly: flags.readonly, namespace: flags.namespace, tag: flags.tag, readTemplate: flags['read-template'],
    fprocess: flags.fprocess, image: flags.image, name: flags.name, lang: flags.lang,
    cpuRequest: flags['cpu-request'], cpuLimit: flags['cpu-limit'], memoryRequest: flags['memory-request'], memoryLimit: flags['memory-limit'],
  }
}

export interface DeployAndReportInput {
  client: GatewayClient
  stack?: Stack
  cwd: string
  flags: DeployCommandFlags
  mode: {update: boolean; replace: boolean}
  /** Functions deployed at once (the deploy service's default when left out). */
  parallel?: number
  write: {stdout: (text: string) => void; stderr: (text: string) => void}
}

/**
 * `deploy`, and the deploy step of `up`: deploys, writes faas-cli's block for each function as its
 * result comes in (in stack order), and throws the failure when any function failed.
 */
export async function deployAndReport(input: DeployAndReportInput): Promise<DeployResult[]> {
  const {renderDeployResult, deployFailure} = await import('./render-deploy.js')
  const stackMode = input.stack !== undefined && input.stack.functions.length > 0
  const several = (input.stack?.functions.length ?? 0) > 1
  const {results} = await runDeploy({
    client: input.client,
    stack: input.stack,
    cwd: input.cwd,
    flags: deployFlagValues(input.flags),
    options: {
      ...input.mode,
      parallel: input.parallel,
      timeoutMs: input.flags.timeout,
      onResult: (result) => {
        const text = renderDeployResult(result, {stackMode, several})
        if (text.stdout) input.write.stdout(text.stdout)
        if (text.stderr) input.write.stderr(text.stderr)
      },
    },
  })
  const failure = deployFailure(results)
  if (failure) throw failure
  return results
}
