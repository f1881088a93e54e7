/**
 * `faas gateway` as a process: resolves the settings (credentials, sandbox, data directory),
 * starts the embedded gateway, tells the terminal how to use it, publishes its credentials for
 * the local CLI, and runs until SIGINT/SIGTERM, then stops every function process.
 */
import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {publishLocalGateway} from '../../config/local-gateway.js'
import {FaasError} from '../../errors.js'
import {writeFileAtomic} from '../../fsutil.js'
import {isLoopbackHost} from '../../util/loopback.js'
import {goLogTimestamp} from '../clock.js'
import {parseByteSize} from '../duration.js'
import {imageIndexPath} from '../image-index.js'
import type {SandboxMode} from '../sandbox/index.js'
import {defaultGatewayDataDir, startGateway} from './server.js'

export interface RunGatewayOptions {
  port: number
  host: string
  dataDir?: string
  basicAuth: boolean
  user?: string
  password?: string
  sandbox: SandboxMode
  allowHosts?: string[]
  /** e.g. `64Mi`; `0` = no limit. */
  maxBodySize?: string
  asyncConcurrency?: number
  /** Cron calls through /async-function/. */
  cronAsync?: boolean
  /** Replicas follow the com.openfaas.scale.* labels (default true). */
  autoscale?: boolean
  quiet?: boolean
  /** Also print every line the functions write (always available through /system/logs). */
  functionLogs?: boolean
  version: string
  env?: NodeJS.ProcessEnv
  /** Prometheus metrics port; 0 = no metrics; undefined = OpenFaaS's 8082 when it is free. */
  metricsPort?: number
}

/** OpenFaaS serves its gateway metrics on this port. */
export const DEFAULT_METRICS_PORT = 8082

/** The credential files, named as OpenFaaS names its secrets (the data dir can serve as secret_mount_path). */
export const PASSWORD_FILE = 'basic-auth-password'
export const USER_FILE = 'basic-auth-user'

/** The basic-auth password: given, else stored in the data dir, else generated and stored (0600). */
export async function gatewayPassword(dataDir: string, given?: string): Promise<{password: string; generated: boolean}> {
  const file = path.join(dataDir, PASSWORD_FILE)
  let password = given
  let generated = false
  if (!password) {
    try {
      password = (await fs.readFile(file, 'utf8')).trim() || undefined
    } catch {
      // none yet
    }
  }
  if (!password) {
    password = randomBytes(18).toString('base64url')
    generated = true
  }
  // the stored file is what the local CLI reads: it always holds the password in force
  await writeFileAtomic(file, password + '\n', {mode: 0o600, dirMode: 0o700})
  return {password, generated}
}

/** Refuses settings that would expose the gateway: no auth off loopback, auth off only on loopback. */
export function checkExposure(host: string, basicAuth: boolean): void {
  if (basicAuth || isLoopbackHost(host)) return
  throw new FaasError(`--basic-auth=false is only allowed on a loopback address, not on --host ${host}`, {
    hint: 'anyone who can reach that address could run commands on this machine: keep basic auth on, or bind to 127.0.0.1',
  })
}

export async function runGateway(opts: RunGatewayOptions): Promise<void> {
  const env = opts.env ?? process.env
  checkExposure(opts.host, opts.basicAuth)
  const dataDir = path.resolve(opts.dataDir || defaultGatewayDataDir(env))
  const log = (text: string) => {
    if (!opts.quiet) process.stderr.write(`${goLogTimestamp()} ${text}\n`)
  }
  let basicAuth: {user: string; password: string} | undefined
  let generated = false
  if (opts.basicAuth) {
    const user = opts.user || 'admin'
    const pw = await gatewayPassword(dataDir, opts.password)
    await writeFileAtomic(path.join(dataDir, USER_FILE), user + '\n', {mode: 0o600, dirMode: 0o700})
    basicAuth = {user, password: pw.password}
    generated = pw.generated
  }
  const maxBody = opts.maxBodySize === undefined ? undefined : parseByteSize(opts.maxBodySize, -1)
  if (maxBody !== undefined && maxBody < 0) {
    throw new FaasError(`invalid --max-body-size: ${opts.maxBodySize}`, {hint: 'use bytes or a size such as 10Mi, 1Gi, 0 for no limit'})
  }
  let gw
  try {
    gw = await startGateway({
      port: opts.port,
      host: opts.host,
      dataDir,
      basicAuth,
      allowedHosts: opts.allowHosts,
      sandbox: opts.sandbox,
      maxRequestBodyBytes: maxBody,
      version: opts.version,
      env,
      asyncConcurrency: opts.asyncConcurrency,
      metricsPort: opts.metricsPort === undefined ? DEFAULT_METRICS_PORT : opts.metricsPort || undefined,
      // the default port may be taken (an OpenFaaS gateway, a second faas gateway): not an error
      metricsPortOptional: opts.metricsPort === undefined,
      cronAsync: opts.cronAsync,
      autoscale: opts.autoscale,
      onEvent: (m) => log(m),
      onFunctionLog: opts.functionLogs ? (_fn, instance, line) => process.stderr.write(`${instance} | ${line}\n`) : undefined,
    })
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE' && (e as {metricsPort?: number}).metricsPort !== undefined) {
      throw new FaasError(`metrics port ${opts.metricsPort} on ${opts.host} is already in use`, {
        hint: 'pick another one with --metrics-port, or turn metrics off with --metrics-port 0 (an OpenFaaS gateway on this machine uses 8082 too)',
      })
    }
    if (e.code === 'EADDRINUSE') {
      throw new FaasError(`port ${opts.port} on ${opts.host} is already in use`, {hint: 'stop whatever listens there, or pick another port with --port'})
    }
    throw err
  }
  const unpublish = basicAuth
    ? await publishLocalGateway({pid: process.pid, host: opts.host, port: gw.port, user: basicAuth.user, passwordFile: path.join(dataDir, PASSWORD_FILE)}, env)
    : async () => {}
  log(`data: ${dataDir}; image index: ${imageIndexPath(env)}`)
  if (gw.reaped) log(`stopped ${gw.reaped} function process tree(s) left by a gateway that was killed`)
  if (gw.sandbox.kind === 'bubblewrap') {
    log('sandbox: bubblewrap (functions see a read-only host, a private /tmp, their own secrets, not this data dir)')
  } else if (gw.sandbox.unavailable !== undefined) {
    log(`warning: no sandbox for functions (${gw.sandbox.unavailable}): they run as plain processes of this user; install bubblewrap to confine them`)
  } else {
    log('sandbox: none (--sandbox none): functions run as plain processes of this user')
  }
  if (basicAuth) {
    const pwFile = path.join(dataDir, PASSWORD_FILE)
    log(`basic auth is on for /system/* (user ${basicAuth.user}; ${generated ? 'generated a password, stored' : 'password'} in ${pwFile})`)
    log('the faas CLI on this machine finds these credentials by itself; for faas-cli:')
    log(`  cat ${pwFile} | faas-cli login -g ${gw.url} -u ${basicAuth.user} --password-stdin`)
  } else {
    log('basic auth is OFF (--basic-auth=false): anything on this machine can deploy and run commands through this gateway')
  }
  if (gw.metricsPort !== undefined) log(`Prometheus metrics: http://${gw.url.split('//')[1].replace(/:\d+$/, '')}:${gw.metricsPort}/metrics`)
  log(`use it: export OPENFAAS_URL=${gw.url}`)
  // the last line of the start-up: scripts wait for it
  const bound = gw.url.endsWith(`//${gw.bindAddress}`) ? '' : ` (bound to ${gw.bindAddress})`
  log(`faas gateway listening on ${gw.url}${bound}`)
  const restoredCount = gw.functions.size
  if (restoredCount) log(`restoring ${restoredCount} function(s)`)
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log(`${signal}: stopping functions`)
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
      resolve()
    }
    const onInt = () => stop('SIGINT')
    const onTerm = () => stop('SIGTERM')
    process.once('SIGINT', onInt)
    process.once('SIGTERM', onTerm)
  })
  await unpublish()
  await gw.close()
}
