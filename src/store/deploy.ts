/**
 * `store deploy`: the store entry → a FunctionDeployment, then the same requests as
 * `deploy --image … --name …` (PUT, POST on 404). Flags win over the store's values.
 */
import {cleanDeployment} from '../gateway/deploy-spec.js'
import type {FunctionDeployment} from '../gateway/types.js'
import type {StoreFunction} from './index.js'

export interface StoreDeployFlags {
  name: string
  namespace: string
  env: string[]
  label: string[]
  annotation: string[]
  constraint: string[]
  secret: string[]
  cpuRequest: string
  cpuLimit: string
  memoryRequest: string
  memoryLimit: string
}

export async function storeDeployment(fn: StoreFunction, platform: string, flags: StoreDeployFlags): Promise<FunctionDeployment> {
  const {parseKeyValueFlags} = await import('../stack/merge.js')
  return cleanDeployment({
    service: flags.name || fn.name,
    image: fn.images[platform],
    namespace: flags.namespace,
    envProcess: fn.fprocess,
    envVars: {...fn.environment, ...parseKeyValueFlags(flags.env, '--env')},
    constraints: flags.constraint,
    secrets: [...new Set(flags.secret)],
    labels: {...fn.labels, ...parseKeyValueFlags(flags.label, '--label')},
    annotations: {...fn.annotations, ...parseKeyValueFlags(flags.annotation, '--annotation')},
    limits: {cpu: flags.cpuLimit, memory: flags.memoryLimit},
    requests: {cpu: flags.cpuRequest, memory: flags.memoryRequest},
    readOnlyRootFilesystem: fn.readOnlyRootFilesystem,
  })
}
