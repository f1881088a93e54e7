/**
 * faas-cli's remote builder (`--remote-builder`, OPENFAAS_REMOTE_BUILDER) is the OpenFaaS Pro
 * builder API. faas builds locally only: say so clearly instead of silently building locally.
 */
import {FaasError} from '../errors.js'

export function rejectRemoteBuilder(flag: string | undefined, env: NodeJS.ProcessEnv): void {
  const url = flag || env.OPENFAAS_REMOTE_BUILDER
  if (!url) return
  throw new FaasError(`remote builds (${flag ? '--remote-builder' : 'OPENFAAS_REMOTE_BUILDER'}=${url}) are not supported by faas`, {
    hint: 'Build locally (docker, podman or --builder host), or unset OPENFAAS_REMOTE_BUILDER',
  })
}
