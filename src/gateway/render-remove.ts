/** Text for `remove`: faas-cli's `Deleting: <name>.<ns>` / `Removing old function.` lines. */
import {FaasError} from '../errors.js'
import {printable} from '../ui/escape.js'
import type {RemoveResult} from './functions.js'
import {qualifiedName} from './http.js'

export function renderRemoveResult(r: RemoveResult, several: boolean): {stdout: string; stderr: string} {
  const stdout = `Deleting: ${qualifiedName(r.name, r.namespace, true)}\n${r.ok ? 'Removing old function.\n' : ''}`
  return {stdout, stderr: !r.ok && several ? `${r.name}: ${printable(r.error ?? '')}\n` : ''}
}

export function removeFailure(results: readonly RemoveResult[]): FaasError | undefined {
  const failed = results.filter((r) => !r.ok)
  if (failed.length === 0) return undefined
  if (results.length === 1) return new FaasError(failed[0].error ?? `cannot remove ${failed[0].name}`, {hint: failed[0].hint})
  return new FaasError(`${failed.length} of ${results.length} functions could not be removed: ${failed.map((r) => r.name).join(', ')}`, {hint: failed[0].hint})
}
