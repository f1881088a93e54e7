/**
 * How the local `faas` CLI finds the credentials of a `faas gateway` running on this machine, so
 * `faas new` → `faas up` → `faas invoke` needs no login although the gateway's auth is on.
 *
 * A running gateway leaves a record in `<data>/faas/gateways/<port>.json` (folder 0700, file
 * 0600: only this user can read it) naming its process, its bind address and where its password
 * file is. The CLI uses it only for a loopback gateway URL on that port, only while that process
 * lives, and only when nothing is saved for the URL (`faas login` and --token win).
 */
import fs from 'node:fs'
import path from 'node:path'
import {dataDir, writeFileAtomic} from '../fsutil.js'
import {isLoopbackHost, isWildcardHost} from '../util/loopback.js'

export interface LocalGatewayRecord {
  pid: number
  /** The address it is bound to (host part). */
  host: string
  port: number
  user: string
  passwordFile: string
}

function recordFile(port: number, env: NodeJS.ProcessEnv): string {
  return path.join(dataDir(env), 'gateways', `${port}.json`)
}

/** Writes the record; the returned call removes it (if it is still this process's). */
export async function publishLocalGateway(record: LocalGatewayRecord, env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<void>> {
  const file = recordFile(record.port, env)
  await writeFileAtomic(file, JSON.stringify(record) + '\n', {mode: 0o600, dirMode: 0o700})
  await fs.promises.chmod(path.dirname(file), 0o700).catch(() => {})
  return async () => {
    const current = await readRecord(file)
    if (current?.pid === record.pid) await fs.promises.rm(file, {force: true})
  }
}

// the record and the password are read for every command against a loopback gateway: small
// files, read at once (fs.promises would load node's fs/promises modules for them)
async function readRecord(file: string): Promise<LocalGatewayRecord | undefined> {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8')) as LocalGatewayRecord
    if (typeof r?.pid !== 'number' || typeof r.user !== 'string' || typeof r.passwordFile !== 'string' || typeof r.host !== 'string') return undefined
    return r
  } catch {
    return undefined
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The credentials of the local gateway at `gatewayUrl`, if one of ours runs there. */
export async function localGatewayCredentials(gatewayUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<{user: string; password: string} | undefined> {
  let url: URL
  try {
    url = new URL(gatewayUrl)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) return undefined
  const record = await readRecord(recordFile(Number(url.port || 80), env))
  if (!record || !alive(record.pid)) return undefined
  if (!isLoopbackHost(record.host) && !isWildcardHost(record.host)) return undefined
  try {
    const password = fs.readFileSync(record.passwordFile, 'utf8').trim()
    return password ? {user: record.user, password} : undefined
  } catch {
    return undefined
  }
}
