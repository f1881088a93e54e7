/**
 * `secret create|update|list|remove|apply|generate` (spec §5.1). Unlike faas-cli, every failure
 * is an error with exit code 1 (it exited 0 when create/update failed, and treated the spec's
 * 204 for a delete as a failure, §10).
 */
import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {FaasError} from '../errors.js'
import type {GatewayClient} from './client.js'
import {unexpectedStatus} from './client.js'
import {namedItems, namespaceQuery, parseListBody, qualifiedName, statusLine} from './http.js'
import type {Secret} from './types.js'

export const SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

export function isValidSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && name.length <= 253
}

export function validateSecretName(name: string | undefined): string {
  if (!name) throw new FaasError('Secret name required', {hint: 'For example: faas secret create api-key --from-literal "$KEY"'})
  if (!isValidSecretName(name)) {
    throw new FaasError(`invalid secret name ${name}: a secret name must start and end with an alphanumeric character and can only contain lower-case alphanumeric characters, '-' or '.'`, {
      hint: `Try "${name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '')}".`,
    })
  }
  return name
}

export interface SecretValue {
  value: string
  /** base64 of the file's bytes, untrimmed (only for --from-file). */
  rawValue?: string
}

/** The value from --from-literal, --from-file or stdin (exactly one), trimmed when asked. */
export async function readSecretValue(input: {literal?: string; file?: string; trim: boolean; readStdin: () => Promise<Buffer>}): Promise<SecretValue> {
  if (input.literal !== undefined && input.file !== undefined) {
    throw new FaasError('Please provide secret using only one option from --from-literal, --from-file and STDIN')
  }
  let value: string
  let rawValue: string | undefined
  if (input.literal !== undefined) {
    value = input.literal
  } else if (input.file !== undefined) {
    let bytes: Buffer
    try {
      bytes = await fs.readFile(input.file)
    } catch (error) {
      throw new FaasError(`cannot read --from-file ${input.file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`)
    }
    value = bytes.toString('utf8')
    rawValue = bytes.toString('base64')
  } else {
    value = (await input.readStdin()).toString('utf8')
  }
  if (input.trim) value = value.trim()
  if (value === '' && !rawValue) {
    throw new FaasError('Must provide a non empty secret via --from-literal, --from-file or STDIN')
  }
  return {value, rawValue}
}


function body(name: string, namespace: string | undefined, value?: SecretValue): Secret {
  const out: Secret = {name}
  if (namespace) out.namespace = namespace
  if (value) {
    out.value = value.value
    if (value.rawValue !== undefined) out.rawValue = value.rawValue
  }
  return out
}

/**
 * The name and value `secret create` / `secret update` send: the name checked, the value from
 * --from-literal, --from-file or stdin (`prompt` is told when stdin is a terminal).
 */
export async function secretToWrite(input: {name?: string; literal?: string; file?: string; trim: boolean; prompt: (text: string) => void}): Promise<{name: string; value: SecretValue}> {
  const name = validateSecretName(input.name)
  if (input.literal === undefined && input.file === undefined && process.stdin.isTTY) input.prompt('Reading from STDIN - hit (Control + D) to stop.')
  const {readStdinBuffer} = await import('./stdin.js')
  const value = await readSecretValue({literal: input.literal, file: input.file, trim: input.trim, readStdin: readStdinBuffer})
  return {name, value}
}

export interface SecretWriteResult {
  /** `201 Created`, `200 OK` … */
  statusLine: string
  /** The secret existed and was updated (create --replace). */
  updated: boolean
}

/** POST /system/secrets; on 409 with `replace`, PUT instead. */
export async function createSecret(client: GatewayClient, input: {name: string; namespace?: string; value: SecretValue; replace?: boolean; onExists?: () => void}): Promise<SecretWriteResult> {
  const res = await client.request('POST', '/system/secrets', {json: body(input.name, input.namespace, input.value)})
  if (res.status === 200 || res.status === 201 || res.status === 202) return {statusLine: statusLine(res), updated: false}
  if (res.status === 409) {
    if (!input.replace) {
      throw new FaasError(`secret with the name "${input.name}" already exists`, {hint: `Use "faas secret update ${input.name}", or create it with --replace.`})
    }
    input.onExists?.()
    const put = await client.request('PUT', '/system/secrets', {json: body(input.name, input.namespace, input.value)})
    if (put.status === 200 || put.status === 201 || put.status === 202 || put.status === 204) return {statusLine: statusLine(put), updated: true}
    throw unexpectedStatus(put)
  }
  throw unexpectedStatus(res)
}

/** PUT /system/secrets {name, namespace?, value}. */
export async function updateSecret(client: GatewayClient, input: {name: string; namespace?: string; value: SecretValue}): Promise<SecretWriteResult> {
  const res = await client.request('PUT', '/system/secrets', {json: body(input.name, input.namespace, {value: input.value.value})})
  if (res.status === 200 || res.status === 201 || res.status === 202 || res.status === 204) return {statusLine: statusLine(res), updated: true}
  if (res.status === 404) throw new FaasError(`unable to find secret: ${input.name}`, {hint: `Create it first: faas secret create ${input.name}`})
  throw unexpectedStatus(res)
}

export async function listSecrets(client: GatewayClient, namespace?: string): Promise<Secret[]> {
  const res = await client.request('GET', '/system/secrets', {query: namespaceQuery(namespace)})
  if (res.status !== 200 && res.status !== 202) throw unexpectedStatus(res)
  return namedItems<Secret>(parseListBody(res, 'the secret list')).map((s) => (s.namespace ? {name: s.name, namespace: s.namespace} : {name: s.name}))
}

/** DELETE /system/secrets {name, namespace?}: 200, 202 and the spec's 204 are success. */
export async function removeSecret(client: GatewayClient, name: string, namespace?: string): Promise<void> {
  const res = await client.request('DELETE', '/system/secrets', {json: body(name, namespace)})
  if (res.status === 200 || res.status === 202 || res.status === 204) return
  if (res.status === 404) throw new FaasError(`Unable to find secret: ${name}`, {hint: '"faas secret list" shows the secrets of a namespace (-n).'})
  throw unexpectedStatus(res)
}

export interface ApplyEvent {
  level: 'info' | 'warn'
  text: string
}

export interface ApplyResult {
  name: string
  ok: boolean
  error?: string
}

/**
 * `secret apply`: every file in `dir` (./.secrets) becomes a secret named after the file; one
 * that exists is deleted and created again (a 409 on the create falls back to an update).
 */
export async function applySecrets(client: GatewayClient, input: {dir: string; namespace?: string; trim: boolean; log: (e: ApplyEvent) => void}): Promise<ApplyResult[]> {
  let entries: import('node:fs').Dirent[]
  try {
    entries = await fs.readdir(input.dir, {withFileTypes: true})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new FaasError(`Secrets directory does not exist: ${path.resolve(input.dir)}`, {hint: 'Put one file per secret in ./.secrets (file name = secret name).'})
    }
    throw error
  }
  const files: {name: string; value: SecretValue}[] = []
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isFile()) continue
    if (!isValidSecretName(entry.name)) {
      input.log({level: 'warn', text: `Skipping invalid secret name: ${entry.name}`})
      continue
    }
    const bytes = await fs.readFile(path.join(input.dir, entry.name))
    let value = bytes.toString('utf8')
    if (input.trim) value = value.trim()
    if (bytes.length === 0 || value === '') {
      input.log({level: 'warn', text: `Skipping empty secret: ${entry.name}`})
      continue
    }
    files.push({name: entry.name, value: {value, rawValue: bytes.toString('base64')}})
  }
  if (files.length === 0) {
    input.log({level: 'warn', text: 'No secrets found in .secrets directory'})
    return []
  }
  const existing = new Set((await listSecrets(client, input.namespace)).map((s) => s.name))
  const results: ApplyResult[] = []
  for (const file of files) {
    try {
      if (existing.has(file.name)) {
        input.log({level: 'info', text: `Secret ${file.name} exists, deleting before recreating...`})
        await removeSecret(client, file.name, input.namespace)
      }
      input.log({level: 'info', text: `Creating secret: ${qualifiedName(file.name, input.namespace, true)}`})
      await createSecret(client, {
        name: file.name, namespace: input.namespace, value: file.value, replace: true,
        onExists: () => input.log({level: 'info', text: `Secret ${file.name} still exists, updating...`}),
      })
      results.push({name: file.name, ok: true})
    } catch (error) {
      results.push({name: file.name, ok: false, error: (error as Error).message})
      input.log({level: 'warn', text: `${file.name}: ${(error as Error).message}`})
    }
  }
  return results
}

/** `secret generate`: `length` random bytes, base64. */
export function generateSecret(length: number): string {
  if (!Number.isInteger(length) || length < 1) throw new FaasError('--length must be a positive number of bytes')
  return randomBytes(length).toString('base64')
}
