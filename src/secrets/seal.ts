/**
 * Sealed build secrets (`secret keygen|seal|unseal`), in faas-cli's format so a key or envelope
 * made by either tool opens with the other:
 * - keys are Curve25519 (NaCl box) keys, each file holding the 32 bytes in standard base64;
 *   the key ID is the first 8 characters of the public key's base64;
 * - an envelope is YAML: `version: v1`, `algorithm: nacl/box`, `key_id`, `public_key` (a fresh
 *   sender key per envelope) and `secrets`, a map from each name, in clear, to
 *   base64(24-byte random nonce || box(value)).
 * NaCl box comes from tweetnacl; the YAML is written by the Go-compatible encoder.
 */
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {FaasError, errorMessage} from '../errors.js'
import {goJsonEscape} from '../util/go-json.js'
import {GoMap, encodeGoYaml} from '../util/go-yaml.js'

type Nacl = typeof import('tweetnacl')

let naclPromise: Promise<Nacl> | undefined
function loadNacl(): Promise<Nacl> {
  naclPromise ??= import('tweetnacl').then((m) => ((m as {default?: Nacl}).default ?? m) as Nacl)
  return naclPromise
}

export const ENVELOPE_VERSION = 'v1'
export const ENVELOPE_ALGORITHM = 'nacl/box'
const KEY_BYTES = 32
const NONCE_BYTES = 24
/** Bigger than any key file or envelope faas-cli writes by far; a guard against reading the wrong file. */
const MAX_KEY_FILE = 4096
const MAX_ENVELOPE_FILE = 64 * 1024 * 1024

/** Go's base64.StdEncoding.DecodeString: padded standard alphabet; CR and LF are skipped. */
function decodeStdBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n]/g, '')
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return undefined
  return Buffer.from(compact, 'base64')
}

/** A key as the file holds it (base64 of 32 bytes, surrounding whitespace allowed). */
export function decodeKey(text: string, what: string): Uint8Array {
  const raw = decodeStdBase64(text.trim())
  if (!raw) throw new FaasError(`invalid ${what}: not standard base64`, {hint: 'A key file holds the 32-byte key in base64, as written by "faas secret keygen".'})
  if (raw.length !== KEY_BYTES) throw new FaasError(`invalid ${what}: expected 32-byte key, got ${raw.length}`, {hint: 'A key file holds the 32-byte key in base64, as written by "faas secret keygen".'})
  return new Uint8Array(raw)
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64')
}

/** The short fingerprint faas-cli prints for a public key. */
export function deriveKeyId(publicKey: Uint8Array): string {
  return base64(publicKey).slice(0, 8)
}

export interface KeyPairText {
  publicKey: string
  privateKey: string
  keyId: string
}

export async function generateKeyPair(): Promise<KeyPairText> {
  const nacl = await loadNacl()
  const pair = nacl.box.keyPair()
  return {publicKey: base64(pair.publicKey), privateKey: base64(pair.secretKey), keyId: deriveKeyId(pair.publicKey)}
}

/** Fixed randomness, for test vectors only: the sender's secret key and each value's nonce. */
export interface SealRandomness {
  senderSecretKey?: Uint8Array
  nonce?: (name: string) => Uint8Array
}

/** The envelope (YAML text) holding `values` sealed for `publicKey`. */
export async function sealValues(publicKey: Uint8Array, values: ReadonlyMap<string, Uint8Array>, randomness: SealRandomness = {}): Promise<string> {
  const nacl = await loadNacl()
  const sender = randomness.senderSecretKey ? nacl.box.keyPair.fromSecretKey(randomness.senderSecretKey) : nacl.box.keyPair()
  const secrets = new GoMap()
  for (const [name, value] of values) {
    const nonce = randomness.nonce?.(name) ?? nacl.randomBytes(NONCE_BYTES)
    const sealed = nacl.box(value, nonce, publicKey, sender.secretKey)
    secrets.entries.push([name, Buffer.concat([nonce, sealed]).toString('base64')])
  }
  // struct fields in faas-cli's order (the encoder sorts only the secrets map)
  const envelope = new GoMap([
    ['version', ENVELOPE_VERSION],
    ['algorithm', ENVELOPE_ALGORITHM],
    ['key_id', deriveKeyId(publicKey)],
    ['public_key', base64(sender.publicKey)],
    ['secrets', secrets],
  ], true)
  return encodeGoYaml(envelope, 4)
}

interface ParsedEnvelope {
  senderPublicKey: Uint8Array
  secrets: Map<string, string>
}

async function parseEnvelope(text: string): Promise<ParsedEnvelope> {
  const {loadYaml} = await import('../util/yaml.js')
  const yaml = await loadYaml()
  let doc: unknown
  try {
    doc = yaml.parse(text, {schema: 'failsafe', uniqueKeys: true})
  } catch (error) {
    throw new FaasError(`invalid sealed envelope: ${errorMessage(error).split('\n')[0]}`)
  }
  const env = (doc && typeof doc === 'object' && !Array.isArray(doc) ? doc : {}) as Record<string, unknown>
  const field = (name: string) => (typeof env[name] === 'string' ? (env[name] as string) : '')
  if (field('version') !== ENVELOPE_VERSION) throw new FaasError(`unsupported envelope version: ${JSON.stringify(field('version'))}, expected "${ENVELOPE_VERSION}"`)
  if (field('algorithm') !== ENVELOPE_ALGORITHM) throw new FaasError(`unsupported algorithm: ${JSON.stringify(field('algorithm'))}, expected "${ENVELOPE_ALGORITHM}"`)
  const senderPublicKey = decodeKey(field('public_key'), 'envelope public key')
  const secrets = new Map<string, string>()
  const raw = env.secrets
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value !== 'string') throw new FaasError(`invalid sealed envelope: the value of ${JSON.stringify(name)} is not a string`)
      secrets.set(name, value)
    }
  } else if (raw !== undefined && raw !== null && raw !== '') {
    throw new FaasError('invalid sealed envelope: "secrets" is not a map')
  }
  return {senderPublicKey, secrets}
}

function openValue(nacl: Nacl, name: string, encoded: string, envelope: ParsedEnvelope, privateKey: Uint8Array): Buffer {
  const combined = decodeStdBase64(encoded.trim())
  if (!combined) throw new FaasError(`invalid base64 for key ${JSON.stringify(name)}`)
  if (combined.length < NONCE_BYTES) throw new FaasError(`sealed value for key ${JSON.stringify(name)} too short: expected at least 24 bytes, got ${combined.length}`)
  const opened = nacl.box.open(combined.subarray(NONCE_BYTES), combined.subarray(0, NONCE_BYTES), envelope.senderPublicKey, privateKey)
  if (!opened) {
    throw new FaasError(`decryption failed for key ${JSON.stringify(name)}: invalid key or corrupted data`, {hint: 'Use the private key that pairs with the public key the file was sealed with (compare the key_id).'})
  }
  return Buffer.from(opened)
}

/** Every value of an envelope (or only `only`), opened with `privateKey`, in name order. */
export async function unsealValues(privateKey: Uint8Array, envelopeText: string, only?: string): Promise<Map<string, Buffer>> {
  const nacl = await loadNacl()
  const envelope = await parseEnvelope(envelopeText)
  const out = new Map<string, Buffer>()
  if (only !== undefined) {
    const encoded = envelope.secrets.get(only)
    if (encoded === undefined) throw new FaasError(`key ${JSON.stringify(only)} not found in sealed envelope`, {hint: `The envelope holds: ${[...envelope.secrets.keys()].join(', ') || 'nothing'}.`})
    out.set(only, openValue(nacl, only, encoded, envelope, privateKey))
    return out
  }
  for (const name of [...envelope.secrets.keys()].sort()) out.set(name, openValue(nacl, name, envelope.secrets.get(name)!, envelope, privateKey))
  return out
}

/** `-j` output: faas-cli's indented JSON object (names in byte order, Go's escapes). */
export function renderUnsealedJson(values: ReadonlyMap<string, Buffer>): string {
  const names = [...values.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  if (names.length === 0) return '{}'
  const lines = names.map((name) => `  ${JSON.stringify(name)}: ${JSON.stringify(values.get(name)!.toString('utf8'))}`)
  return goJsonEscape(`{\n${lines.join(',\n')}\n}`)
}

// ---------------------------------------------------------------------------------------------
// Files, as the commands use them

async function readFileCapped(file: string, max: number, what: string): Promise<Buffer> {
  try {
    const stat = await fs.stat(file)
    if (stat.isFile() && stat.size > max) throw new FaasError(`${what} ${file} is too large (${stat.size} bytes)`)
    return await fs.readFile(file)
  } catch (error) {
    if (error instanceof FaasError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new FaasError(`reading ${what}: ${code === 'ENOENT' ? `open ${file}: no such file or directory` : errorMessage(error)}`)
  }
}

export interface KeygenResult {
  privateKeyFile: string
  publicKeyFile: string
  keyId: string
}

/** Writes `<output>` (private key, 0600) and `<output>.pub` (public key, 0644), as faas-cli does. */
export async function writeKeyPair(output: string): Promise<KeygenResult> {
  const pair = await generateKeyPair()
  const {writeFileAtomic} = await import('../fsutil.js')
  const publicKeyFile = `${output}.pub`
  await writeFileAtomic(output, pair.privateKey, {mode: 0o600, dirMode: 0o700})
  await writeFileAtomic(publicKeyFile, pair.publicKey, {mode: 0o644, dirMode: 0o700})
  return {privateKeyFile: output, publicKeyFile, keyId: pair.keyId}
}

export interface SealFilesRequest {
  publicKeyFile: string
  /** `key=value`, repeated. */
  literals: readonly string[]
  /** `key=path`, repeated. */
  files: readonly string[]
  output: string
}

export interface SealFilesResult {
  count: number
  output: string
  keyId: string
}

function splitPair(text: string, flag: string, second: string): [string, string] {
  const eq = text.indexOf('=')
  const key = eq < 0 ? '' : text.slice(0, eq)
  const value = eq < 0 ? '' : text.slice(eq + 1)
  if (!key || (second === 'path' && !value)) {
    throw new FaasError(`invalid ${flag} format ${JSON.stringify(text)}, expected key=${second}`, {hint: `For example: ${flag} api_key=${second === 'path' ? './api-key.txt' : 's3cr3t'}`})
  }
  return [key, value]
}

/** Reads the public key and the values, writes the envelope to `output` (0600). */
export async function sealToFile(request: SealFilesRequest): Promise<SealFilesResult> {
  if (request.literals.length === 0 && request.files.length === 0) {
    throw new FaasError('provide at least one secret via --from-literal or --from-file')
  }
  const publicKey = decodeKey((await readFileCapped(request.publicKeyFile, MAX_KEY_FILE, 'public key')).toString('utf8'), 'public key')
  const values = new Map<string, Uint8Array>()
  for (const literal of request.literals) {
    const [key, value] = splitPair(literal, '--from-literal', 'value')
    values.set(key, Buffer.from(value, 'utf8'))
  }
  for (const entry of request.files) {
    const [key, file] = splitPair(entry, '--from-file', 'path')
    try {
      values.set(key, await fs.readFile(file))
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new FaasError(`reading file for key ${JSON.stringify(key)}: ${code === 'ENOENT' ? `open ${file}: no such file or directory` : errorMessage(error)}`)
    }
  }
  const envelope = await sealValues(publicKey, values)
  const {writeFileAtomic} = await import('../fsutil.js')
  await writeFileAtomic(path.normalize(request.output), envelope, {mode: 0o600})
  return {count: values.size, output: request.output, keyId: deriveKeyId(publicKey)}
}

/** Opens the envelope file `input` with the private key file. */
export async function unsealFile(privateKeyFile: string, input: string, only?: string): Promise<Map<string, Buffer>> {
  const privateKey = decodeKey((await readFileCapped(privateKeyFile, MAX_KEY_FILE, 'private key')).toString('utf8'), 'private key')
  const envelope = await readFileCapped(input, MAX_ENVELOPE_FILE, 'sealed file')
  return unsealValues(privateKey, envelope.toString('utf8'), only)
}
