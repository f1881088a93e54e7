/** /system/info: GatewayInfo (runtime.md §4), plus which sandbox function processes run in. */
import os from 'node:os'
import {LOCAL_PROVIDER_NAME} from '../../../gateway/info.js'
import type {GatewayInfo} from '../../../gateway/types.js'
import {methodNotAllowed, sendJson} from '../http.js'
import type {RouteContext, SystemRequest} from './context.js'

export function infoRoute(r: SystemRequest, ctx: RouteContext): void {
  if (r.method !== 'GET') return methodNotAllowed(r.req, r.res)
  r.req.resume()
  const info: GatewayInfo & {sandbox: string} = {
    provider: {provider: LOCAL_PROVIDER_NAME, orchestration: 'host-processes', version: {sha: 'local', release: ctx.version}},
    version: {sha: 'local', release: ctx.version, commit_message: 'faas embedded gateway'},
    arch: goArch(),
    sandbox: ctx.sandbox.kind,
  }
  sendJson(r.res, 200, info)
}

function goArch(): string {
  const a = os.arch()
  return a === 'x64' ? 'x86_64' : a === 'arm64' ? 'arm64' : a === 'arm' ? 'armhf' : a
}
