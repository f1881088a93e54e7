/** Text for deploy results: faas-cli's lines (`Deployed. 202 Accepted.`, `URL: …`), errors apart. */
import {FaasError} from '../errors.js'
import {printable} from '../ui/escape.js'
import type {DeployResult} from './deploy.js'

export interface RenderedResult {
  stdout: string
  stderr: string
}

/** One function's block. `stackMode` adds faas-cli's `Deploying: <fn>.` line. */
export function renderDeployResult(r: DeployResult, options: {stackMode: boolean; several: boolean}): RenderedResult {
  let stdout = options.stackMode ? `Deploying: ${r.name}.\n` : ''
  let stderr = ''
  if (r.ok) {
    if (r.rollingUpdate) stdout += `Function ${r.name} already exists, attempting rolling-update.\n`
    stdout += `\nDeployed. ${r.statusLine}.\nURL: ${r.url}\n\n`
    for (const w of r.warnings ?? []) stderr += `Warning: ${r.name}: ${w}\n`
  } else if (options.several) {
    // with one function the final error says it all; with several, each failure gets its line
    stderr += `${r.name}: ${printable(r.error ?? '')}\n`
  }
  return {stdout, stderr}
}

/** The error to exit with when any function failed, else undefined. */
export function deployFailure(results: readonly DeployResult[], verb = 'deploy'): FaasError | undefined {
  const failed = results.filter((r) => !r.ok)
  if (failed.length === 0) return undefined
  const first = failed.find((r) => !r.skipped) ?? failed[0]
  if (results.length === 1) {
    const what = first.status ? `failed to ${verb} with status code: ${first.status}: ${first.error}` : `failed to ${verb}: ${first.error}`
    return new FaasError(`Function '${first.name}' ${what}`, {hint: first.hint})
  }
  const names = failed.map((r) => (r.skipped ? `${r.name} (not attempted)` : r.status ? `${r.name} (${r.status})` : r.name))
  return new FaasError(`${failed.length} of ${results.length} functions failed to ${verb}: ${names.join(', ')}`, {hint: first.hint})
}
