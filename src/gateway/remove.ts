/** `remove`: one function by name, or every function of the stack, at most `parallel` at once. */
import {errorMessage, isFaasError} from '../errors.js'
import type {Stack} from '../stack/types.js'
import type {GatewayClient} from './client.js'
import {isUnreachable} from './client.js'
import {type RemoveResult, removeFunction} from './functions.js'
import {runOrdered} from './ordered-pool.js'

export interface RemoveTarget {
  name: string
  namespace?: string
}

/** Stack functions to remove: `-n` wins over each function's namespace. */
export function removeTargets(stack: Stack, namespaceFlag: string): RemoveTarget[] {
  return stack.functions.map((fn) => ({name: fn.name, namespace: namespaceFlag || fn.namespace || undefined}))
}

export async function removeFunctions(
  client: GatewayClient,
  targets: readonly RemoveTarget[],
  options: {parallel?: number; onResult?: (r: RemoveResult, i: number) => void} = {},
): Promise<RemoveResult[]> {
  let unreachable = false
  return runOrdered(
    targets,
    async (t) => {
      try {
        return await removeFunction(client, t.name, t.namespace)
      } catch (error) {
        if (isUnreachable(error)) unreachable = true
        return {name: t.name, namespace: t.namespace, ok: false, error: errorMessage(error), hint: isFaasError(error) ? error.hint : undefined}
      }
    },
    (t) => ({name: t.name, namespace: t.namespace, ok: false, error: 'not attempted: the gateway is unreachable'}),
    {limit: options.parallel ?? 10, onResult: options.onResult, stop: () => unreachable},
  )
}
