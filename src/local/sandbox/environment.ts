/**
 * The environment of a function process. A function gets what a container in OpenFaaS gets:
 * its own `envVars`, the watchdog's variables and a minimal base — never the environment of the
 * process that started the gateway, which holds the user's tokens (AWS_*, GITHUB_TOKEN, …) and
 * the gateway's own password.
 */
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {freeLoopbackPort} from '../../util/ports.js'
import type {ImageIndexEntry} from '../image-index.js'

/** What programs need to run at all; none of it is a credential. `LC_*` are kept too. */
const INHERITED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR'] as const
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/** The base every function starts from: the few variables above, taken from `source`. */
export function baseEnvironment(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {}
  for (const k of INHERITED) {
    const v = source[k]
    if (v !== undefined && v !== '') env[k] = v
  }
  for (const [k, v] of Object.entries(source)) if (k.startsWith('LC_') && v !== undefined) env[k] = v
  env.PATH ??= DEFAULT_PATH
  return env
}

/**
 * The environment of one function process, in container order: the base, then the image's
 * settings (mode, fprocess, the template's environment), then the deployment's envVars and
 * envProcess; then what the runtime decides (secrets path, name, the loopback port of an
 * http-mode function, and what the sandbox fixes).
 */
export async function functionEnvironment(input: {
  baseEnv: Record<string, string>
  build: ImageIndexEntry
  envVars?: Record<string, string>
  envProcess?: string
  /** Where the function finds its secrets (as it sees the file system). */
  secretsDir?: string
  name: string
  namespace: string
  maxRequestBodyBytes?: number
  /** Fixed port for an http-mode function (default: a free one). */
  port?: number
  /** Variables the sandbox sets last (e.g. TMPDIR inside it). */
  overrides?: Record<string, string>
}): Promise<Record<string, string>> {
  const b = input.build
  const env: Record<string, string> = {
    ...input.baseEnv,
    mode: b.mode,
    fprocess: b.run,
    ...b.environment,
    ...(input.envVars ?? {}),
  }
  if (input.envProcess && input.envProcess !== b.image_fprocess) env.fprocess = input.envProcess
  if (env.max_request_body === undefined && input.maxRequestBodyBytes && input.maxRequestBodyBytes > 0) {
    env.max_request_body = String(input.maxRequestBodyBytes)
  }
  if (input.secretsDir) env.OPENFAAS_SECRETS_PATH = input.secretsDir
  env.OPENFAAS_NAME = input.name
  env.OPENFAAS_NAMESPACE = input.namespace
  if (env.mode === 'http' && b.port_env) {
    const port = input.port ?? (await freeLoopbackPort())
    env[b.port_env] = String(port)
    env.upstream_url = `http://127.0.0.1:${port}`
  }
  if (env.mode === 'static') {
    const p = env.static_path
    if (!p) env.static_path = path.join(b.dir, 'public')
    else if (!path.isAbsolute(p)) env.static_path = path.join(b.dir, p)
    else if (p === '/home/app/public' && !(await exists(p))) env.static_path = path.join(b.dir, 'public')
  }
  if (input.overrides) Object.assign(env, input.overrides)
  return env
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p)
    return true
  } catch {
    return false
  }
}
