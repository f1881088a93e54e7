/**
 * /system/info (runtime.md §4). The embedded gateway plays two roles and answers in the shape of
 * the one it is asked in:
 *  - asked directly (faas, faas-cli `version`, the portal): the gateway's GatewayInfo, whose
 *    `provider` object names us, plus which sandbox function processes run in;
 *  - asked through an OpenFaaS gateway whose provider it is (`functions_provider_url`): that
 *    gateway forwards the client's /system/info here and wraps the answer in its own GatewayInfo,
 *    so the answer must be faas-provider's ProviderInfo (`provider` is a name).
 * A forwarded request is one a proxy passed on: the OpenFaaS gateway always adds X-Forwarded-For
 * (and X-Forwarded-Host) to what it forwards, which a client talking to us directly does not send.
 */
import type {IncomingHttpHeaders} from 'node:http'
import os from 'node:os'
import {LOCAL_PROVIDER_NAME} from '../../../gateway/info.js'
import type {GatewayInfo, ProviderInfo} from '../../../gateway/types.js'
import {methodNotAllowed, sendJson} from '../http.js'
import type {RouteContext, SystemRequest} from './context.js'

export const ORCHESTRATION = 'host-processes'

export function infoRoute(r: SystemRequest, ctx: RouteContext): void {
  if (r.method !== 'GET') return methodNotAllowed(r.req, r.res)
  r.req.resume()
  const provider: ProviderInfo = {
    provider: LOCAL_PROVIDER_NAME,
    orchestration: ORCHESTRATION,
    version: {sha: 'local', release: ctx.version},
  }
  if (forwardedByProxy(r.req.headers)) return sendJson(r.res, 200, provider)
  const info: GatewayInfo & {sandbox: string} = {
    provider,
    version: {sha: 'local', release: ctx.version, commit_message: 'faas embedded gateway'},
    arch: goArch(),
    sandbox: ctx.sandbox.kind,
  }
  sendJson(r.res, 200, info)
}

/** Whether a proxy (the OpenFaaS gateway in front of us) passed this request on. */
export function forwardedByProxy(headers: IncomingHttpHeaders): boolean {
  return headers['x-forwarded-for'] !== undefined || headers['x-forwarded-host'] !== undefined
}

function goArch(): string {
  const a = os.arch()
  return a === 'x64' ? 'x86_64' : a === 'arm64' ? 'arm64' : a === 'arm' ? 'armhf' : a
}
