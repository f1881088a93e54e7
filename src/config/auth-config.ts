import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {FaasError, errorMessage} from '../errors.js'
import {writeFileAtomic} from '../fsutil.js'
import {loadYaml} from '../util/yaml.js'

/**
 * `~/.openfaas/config.yml`: saved credentials per gateway (spec §5.0). Entries of other
 * gateways, and fields we do not know, are kept as they are when we rewrite the file.
 */

export interface AuthEntry {
  gateway: string
  auth: 'basic' | 'oauth2' | string
  token: string
  options?: {name: string; value: string}[]
  [key: string]: unknown
}

export interface AuthConfigFile {
  auths: AuthEntry[]
  [key: string]: unknown
}

function isCI(env: NodeJS.ProcessEnv): boolean {
  return env.CI === 'true' || env.CI === '1'
}

/** Folder holding config.yml: OPENFAAS_CONFIG, else ./.openfaas under CI=true|1, else ~/.openfaas. */
export function configDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env.OPENFAAS_CONFIG) return path.resolve(cwd, env.OPENFAAS_CONFIG)
  if (isCI(env)) return path.join(cwd, '.openfaas')
  return path.join(env.HOME || os.homedir(), '.openfaas')
}

export function configFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return path.join(configDir(env, cwd), 'config.yml')
}

/** The parsed config file, or undefined when there is none. */
export async function readAuthConfig(file: string): Promise<AuthConfigFile | undefined> {
  let text: string
  try {
    // read at the start of nearly every command: a small file, read at once (fs.promises would
    // load node's fs/promises modules, ~2 ms, for this one read)
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new FaasError(`cannot read ${file}: ${errorMessage(error)}`)
  }
  const YAML = await loadYaml()
  let doc: unknown
  try {
    doc = YAML.parse(text)
  } catch (error) {
    throw new FaasError(`${file} is not valid YAML: ${errorMessage(error).split('\n')[0]}`, {
      hint: 'Fix or delete the file, then run "faas login" again.',
    })
  }
  if (doc === null || doc === undefined) return {auths: []}
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new FaasError(`${file}: expected a mapping with an "auths" list`)
  const config = doc as AuthConfigFile
  if (config.auths === null || config.auths === undefined) config.auths = []
  if (!Array.isArray(config.auths)) throw new FaasError(`${file}: "auths" must be a list`)
  return config
}

/** The saved credentials for exactly this (normalised) gateway URL, if any. */
export async function lookupAuth(gateway: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<AuthEntry | undefined> {
  const config = await readAuthConfig(configFile(env, cwd))
  return config?.auths.find((entry) => entry?.gateway === gateway)
}

async function writeAuthConfig(file: string, config: AuthConfigFile, env: NodeJS.ProcessEnv): Promise<void> {
  const YAML = await loadYaml()
  const text = YAML.stringify(config, {indent: 2, indentSeq: true, lineWidth: 0})
  // faas-cli keeps the CI folder world-readable (0744); the credentials file itself is always 0600
  const dirMode = isCI(env) && !env.OPENFAAS_CONFIG ? 0o744 : 0o700
  const dir = path.dirname(file)
  await fs.promises.mkdir(dir, {recursive: true, mode: dirMode})
  // before the write: in a folder others may write to, they could swap the file under us
  await narrowFolder(dir, dirMode)
  await writeFileAtomic(file, text, {mode: 0o600, dirMode})
}

/**
 * An existing credentials folder with looser permissions than `mode` (made by hand, by another
 * tool, 0777 after a careless chmod) is narrowed to it: only permission bits are taken away.
 * Not a folder of another user, and not a shared sticky folder (OPENFAAS_CONFIG=/tmp), whose
 * permissions others rely on; config.yml itself is 0600 in any case.
 */
async function narrowFolder(dir: string, mode: number): Promise<void> {
  const st = await fs.promises.stat(dir)
  if (st.mode & 0o1000) return
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return
  const bits = st.mode & 0o777
  if ((bits & ~mode) !== 0) await fs.promises.chmod(dir, bits & mode)
}

/** Save (or replace) the credentials of one gateway, keeping every other entry. */
export async function saveAuth(
  entry: AuthEntry,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Promise<string> {
  const file = configFile(env, cwd)
  const config = (await readAuthConfig(file)) ?? {auths: []}
  const index = config.auths.findIndex((e) => e?.gateway === entry.gateway)
  if (index >= 0) config.auths[index] = {...config.auths[index], ...entry}
  else config.auths.push(entry)
  await writeAuthConfig(file, config, env)
  return file
}

/** Remove the credentials of one gateway; errors when there is no file or no entry. */
export async function removeAuth(gateway: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<void> {
  const file = configFile(env, cwd)
  const config = await readAuthConfig(file)
  if (!config) throw new FaasError('Config file not found', {hint: `There is no ${file}: nothing to log out from.`})
  const index = config.auths.findIndex((e) => e?.gateway === gateway)
  if (index < 0) throw new FaasError(`No auth config found for ${gateway}`, {hint: 'Check the --gateway value; "faas logout" removes only what "faas login" saved for that exact URL.'})
  config.auths.splice(index, 1)
  await writeAuthConfig(file, config, env)
}

/** base64("user:password"), as faas-cli stores basic credentials. */
export function encodeBasicToken(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString('base64')
}
