/**
 * `faas gateway` as a process: resolves the settings (credentials, data directory), starts the
 * embedded gateway, reports on stderr, and runs until SIGINT/SIGTERM, then stops every
 * function process.
 */
import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {FaasError} from '../../errors.js'
import {writeFileAtomic} from '../../fsutil.js'
import {goLogTimestamp} from '../clock.js'
import {parseByteSize} from '../duration.js'
import {imageIndexPath} from '../image-index.js'
import {defaultGatewayDataDir, startGateway} from './server.js'

export interface RunGatewayOptions {
  port: number
  host: string
  dataDir?: string
  basicAuth: boolean
  user?: string
  password?: string
  /** e.g. `64Mi`; `0` = no limit. */
  maxBodySize?: string
  asyncConcurrency?: number
  quiet?: boolean
  /** Also print every line the functions write (always available through /system/logs). */
  functionLogs?: boolean
  version: string
  env?: NodeJS.ProcessEnv
}

export const PASSWORD_FILE = 'basic-auth-password'

/** The basic-auth password: given, else stored in the data dir, else generated and stored (0600). */
export async function gatewayPassword(dataDir: string, given?: string): Promise<{password: string; file?: string; generated: boolean}> {
  if (given) return {password: given, generated: false}
  const file = path.join(dataDir, PASSWORD_FILE)
  try {
    const stored = (await fs.readFile(file, 'utf8')).trim()
    if (stored) return {password: stored, file, generated: false}
  } catch {
    // none yet
  }
  const password = randomBytes(18).toString('base64url')
  await writeFileAtomic(file, password + '\n', {mode: 0o600, dirMode: 0o700})
  return {password, file, generated: true}
}

export async function runGateway(opts: RunGatewayOptions): Promise<void> {
  const env = opts.env ?? process.env
  const dataDir = path.resolve(opts.dataDir || defaultGatewayDataDir(env))
  const log = (text: string) => {
    if (!opts.quiet) process.stderr.write(`${goLogTimestamp()} ${text}\n`)
  }
  let basicAuth: {user: string; password: string} | undefined
  let passwordNote: string | undefined
  if (opts.basicAuth) {
    const user = opts.user || 'admin'
    const pw = await gatewayPassword(dataDir, opts.password)
    basicAuth = {user, password: pw.password}
    if (pw.file) passwordNote = `${pw.generated ? 'generated a password, stored' : 'password'} in ${pw.file}`
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
      maxRequestBodyBytes: maxBody,
      version: opts.version,
      env,
      asyncConcurrency: opts.asyncConcurrency,
      onEvent: (m) => log(m),
      onFunctionLog: opts.functionLogs ? (fn, instance, line) => process.stderr.write(`${instance} | ${line}\n`) : undefined,
    })
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE') {
      throw new FaasError(`port ${opts.port} on ${opts.host} is already in use`, {hint: 'stop whatever listens there, or pick another port with --port'})
    }
    throw err
  }
  log(`faas gateway listening on ${gw.url}`)
  log(`data: ${dataDir}; image index: ${imageIndexPath(env)}`)
  if (basicAuth) {
    log(`basic auth is on for /system/* (user ${basicAuth.user}${passwordNote ? `; ${passwordNote}` : ''})`)
    if (passwordNote) log(`log in with: cat ${path.join(dataDir, PASSWORD_FILE)} | faas login -g ${gw.url} -u ${basicAuth.user} --password-stdin`)
  }
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
  await gw.close()
}
