/**
 * An anonymous, read-only client of the OCI distribution API, enough for `plugin get`: resolve
 * `<registry>/<repository>:<tag|@digest>` to the image manifest for one platform (through an image
 * index when there is one) and stream its layers. faas-cli does the same with go-containerregistry.
 *
 * The registry is treated as hostile: every answer is read with a size cap and an idle timeout,
 * the manifest is checked against the digest the registry claims (and a child manifest against the
 * digest its index names), and each layer is checked against its descriptor's size and digest
 * while it streams, failing at the end when they differ. HTTP goes through the one gateway client
 * (proxies, OPENFAAS_DUMP_HTTP), anonymous bearer tokens are fetched when the registry asks.
 */
import {createHash} from 'node:crypto'
import {Transform, pipeline, type Readable, type TransformCallback} from 'node:stream'

import {FaasError, errorMessage} from '../errors.js'
import type {GatewayClient} from '../gateway/client.js'

export const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']
export const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']

/** Caps for what a registry may send. */
export const LIMITS = {
  manifestBytes: 4 * 1024 * 1024,
  tokenBytes: 1024 * 1024,
  layers: 64,
  layerBytes: 1024 * 1024 * 1024,
  idleMs: 60_000,
}

export interface ImageReference {
  /** host[:port] as given (docker.io becomes index.docker.io). */
  registry: string
  repository: string
  /** a tag, or a digest (`sha256:…`) */
  reference: string
  isDigest: boolean
  baseUrl: string
}

export interface Descriptor {
  mediaType?: string
  digest: string
  size: number
  platform?: {os?: string; architecture?: string; variant?: string}
}

export interface ImageManifest {
  digest: string
  layers: Descriptor[]
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/

/** ggcr's rule: plain HTTP for loopback, `localhost`, `*.local` and private (RFC 1918) addresses. */
export function registryScheme(host: string): 'http' | 'https' {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  if (name === 'localhost' || /\.local(host)?$/.test(name) || host.includes('127.0.0.1') || host.includes('::1')) return 'http'
  const ip = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(name)
  if (ip && (ip[1] === '10' || (ip[1] === '172' && Number(ip[2]) >= 16 && Number(ip[2]) <= 31) || (ip[1] === '192' && ip[2] === '168'))) return 'http'
  return 'https'
}

/** `<registry>/<name>:<version>` as faas-cli builds it (a `sha256:` version pulls by digest). */
export function parseImageReference(registryFlag: string, name: string, version: string): ImageReference {
  const full = `${registryFlag.replace(/\/+$/, '')}/${name}`
  const parts = full.split('/')
  let registry = 'index.docker.io'
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) registry = parts.shift()!
  if (registry === 'docker.io') registry = 'index.docker.io'
  if (registry === 'index.docker.io' && parts.length === 1) parts.unshift('library')
  const bad = parts.find((p) => !COMPONENT.test(p))
  if (bad !== undefined || !/^[\w.-]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/.test(registry)) {
    throw new FaasError(`invalid plugin reference ${JSON.stringify(`${full}:${version}`)}`, {hint: 'The plugin name and --registry must form an image name: lower-case letters, digits, ".", "_", "-" and "/".'})
  }
  const isDigest = DIGEST.test(version)
  if (!isDigest && !TAG.test(version)) throw new FaasError(`invalid plugin version ${JSON.stringify(version)}`, {hint: 'Give a tag such as "latest" or "0.1.0", or a digest (sha256:…).'})
  return {registry, repository: parts.join('/'), reference: version, isDigest, baseUrl: `${registryScheme(registry)}://${registry}`}
}

export function referenceText(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.isDigest ? '@' : ':'}${ref.reference}`
}

/** Reads a stream whole, failing past `max` bytes or after `idleMs` without data. */
export async function readBounded(stream: Readable, max: number, what: string, idleMs = LIMITS.idleMs): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of withIdleTimeout(stream, idleMs, what)) {
    total += (chunk as Buffer).length
    if (total > max) {
      stream.destroy()
      throw new FaasError(`${what} is larger than ${max} bytes`, {hint: 'The registry sent more than a plugin image needs; check --registry.'})
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** The stream, destroyed with an error when no data arrives for `idleMs`. */
export function withIdleTimeout(stream: Readable, idleMs: number, what: string): Readable {
  let timer: NodeJS.Timeout | undefined
  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => stream.destroy(new FaasError(`${what}: no data from the registry for ${idleMs / 1000}s`)), idleMs)
    timer.unref()
  }
  arm()
  stream.on('data', arm)
  stream.once('close', () => clearTimeout(timer))
  stream.once('end', () => clearTimeout(timer))
  return stream
}

function digestOf(body: Buffer, algorithm: string): string {
  return `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`
}

/** Passes bytes through while hashing and counting; errors unless they match the descriptor exactly. */
export class VerifyingStream extends Transform {
  private readonly hash
  private bytes = 0

  constructor(private readonly descriptor: Descriptor, private readonly what: string) {
    super()
    this.hash = createHash(descriptor.digest.split(':')[0])
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length
    if (this.bytes > this.descriptor.size) return callback(new FaasError(`${this.what} is larger than its manifest says (${this.descriptor.size} bytes)`))
    this.hash.update(chunk)
    callback(null, chunk)
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes !== this.descriptor.size) return callback(new FaasError(`${this.what} ended after ${this.bytes} of ${this.descriptor.size} bytes`))
    const digest = `${this.descriptor.digest.split(':')[0]}:${this.hash.digest('hex')}`
    if (digest !== this.descriptor.digest) return callback(new FaasError(`${this.what} does not match its digest: expected ${this.descriptor.digest}, got ${digest}`, {hint: 'The registry sent other bytes than the manifest names; do not use this registry.'}))
    callback()
  }
}

function parseChallenge(header: string | string[] | undefined): {scheme: string; params: Record<string, string>} | undefined {
  const text = Array.isArray(header) ? header[0] : header
  if (!text) return undefined
  const m = /^(\w+)\s*(.*)$/.exec(text.trim())
  if (!m) return undefined
  const params: Record<string, string> = Object.create(null)
  for (const p of m[2].matchAll(/(\w+)="([^"]*)"|(\w+)=([^\s,]+)/g)) params[(p[1] ?? p[3]).toLowerCase()] = p[2] ?? p[4]
  return {scheme: m[1].toLowerCase(), params}
}

export class RegistryClient {
  private token?: string

  constructor(
    readonly ref: ImageReference,
    private readonly makeClient: (baseUrl: string) => Promise<GatewayClient>,
  ) {}

  private async send(url: string, accept?: string): Promise<{status: number; headers: Record<string, string | string[] | undefined>; body: Readable}> {
    const client = await this.makeClient(this.ref.baseUrl)
    const headers: Record<string, string> = {}
    if (accept) headers.accept = accept
    if (this.token) headers.authorization = `Bearer ${this.token}`
    try {
      const res = await client.stream('GET', '', {url, headers, withAuth: false, timeoutMs: 0, headersTimeoutMs: LIMITS.idleMs, followRedirect: true})
      return {status: res.status, headers: res.headers, body: res.body}
    } catch (error) {
      throw new FaasError(`cannot reach the registry ${this.ref.registry}: ${errorMessage((error as {cause?: unknown}).cause ?? error)}`, {hint: 'Check --registry and the network (HTTPS_PROXY is honoured).'})
    }
  }

  /** GET with anonymous auth: on 401 with a Bearer challenge, fetch a pull token and retry once. */
  private async get(url: string, accept?: string) {
    let res = await this.send(url, accept)
    if (res.status === 401 && !this.token) {
      const challenge = parseChallenge(res.headers['www-authenticate'])
      res.body.resume()
      if (challenge?.scheme !== 'bearer' || !challenge.params.realm) {
        throw new FaasError(`the registry ${this.ref.registry} wants credentials for ${this.ref.repository}`, {hint: 'plugin get pulls anonymously: the plugin image must be public.'})
      }
      this.token = await this.fetchToken(challenge.params)
      res = await this.send(url, accept)
    }
    return res
  }

  private async fetchToken(params: Record<string, string>): Promise<string> {
    let realm: URL
    try {
      realm = new URL(params.realm)
    } catch {
      throw new FaasError(`the registry ${this.ref.registry} named an invalid token service: ${params.realm}`)
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new FaasError(`the registry ${this.ref.registry} named an invalid token service: ${params.realm}`)
    if (params.service) realm.searchParams.set('service', params.service)
    realm.searchParams.set('scope', params.scope || `repository:${this.ref.repository}:pull`)
    const client = await this.makeClient(realm.origin)
    let res
    try {
      res = await client.stream('GET', '', {url: realm.toString(), withAuth: false, timeoutMs: 0, headersTimeoutMs: LIMITS.idleMs, followRedirect: true})
    } catch (error) {
      throw new FaasError(`cannot reach the token service ${realm.origin}: ${errorMessage((error as {cause?: unknown}).cause ?? error)}`)
    }
    const body = await readBounded(res.body, LIMITS.tokenBytes, 'the token answer')
    if (res.status !== 200) throw new FaasError(`the token service ${realm.origin} answered ${res.status}`, {hint: 'plugin get pulls anonymously: the plugin image must be public.'})
    try {
      const doc = JSON.parse(body.toString('utf8')) as {token?: unknown; access_token?: unknown}
      const token = typeof doc.token === 'string' ? doc.token : doc.access_token
      if (typeof token === 'string' && token) return token
    } catch {
      // below
    }
    throw new FaasError(`the token service ${realm.origin} sent no token`)
  }

  private async fetchManifestBytes(reference: string, expectedDigest?: string): Promise<{body: Buffer; mediaType: string; digest: string}> {
    const url = `${this.ref.baseUrl}/v2/${this.ref.repository}/manifests/${reference}`
    const res = await this.get(url, [...INDEX_TYPES, ...MANIFEST_TYPES].join(', '))
    const body = await readBounded(res.body, LIMITS.manifestBytes, `the manifest of ${referenceText(this.ref)}`)
    if (res.status === 404) throw new FaasError(`plugin not found: ${this.ref.registry}/${this.ref.repository}${this.ref.isDigest ? '@' : ':'}${reference}`, {hint: 'Check the plugin name, --version and --registry.'})
    if (res.status === 401 || res.status === 403) throw new FaasError(`the registry ${this.ref.registry} refused to serve ${this.ref.repository} anonymously (${res.status})`, {hint: 'plugin get pulls anonymously: the plugin image must be public.'})
    if (res.status !== 200) throw new FaasError(`the registry ${this.ref.registry} answered ${res.status} for the manifest of ${this.ref.repository}:${reference}`)
    const claimed = String(res.headers['docker-content-digest'] ?? '')
    const expected = expectedDigest ?? (DIGEST.test(claimed) ? claimed : undefined)
    const digest = digestOf(body, expected ? expected.split(':')[0] : 'sha256')
    if (expected && digest !== expected) {
      throw new FaasError(`the manifest of ${this.ref.repository} does not match its digest: expected ${expected}, got ${digest}`, {hint: 'The registry sent other bytes than it named; do not use this registry.'})
    }
    let mediaType = String(res.headers['content-type'] ?? '').split(';')[0].trim()
    try {
      const doc = JSON.parse(body.toString('utf8')) as {mediaType?: unknown}
      if (typeof doc.mediaType === 'string') mediaType = doc.mediaType
    } catch {
      throw new FaasError(`the manifest of ${this.ref.repository} is not JSON`)
    }
    return {body, mediaType, digest}
  }

  /** The image manifest for `os`/`arch` (an index is resolved to its first matching child). */
  async resolveImage(os: string, arch: string): Promise<ImageManifest> {
    let manifest = await this.fetchManifestBytes(this.ref.reference, this.ref.isDigest ? this.ref.reference : undefined)
    if (INDEX_TYPES.includes(manifest.mediaType)) {
      const index = JSON.parse(manifest.body.toString('utf8')) as {manifests?: Descriptor[]}
      const children = Array.isArray(index.manifests) ? index.manifests : []
      const child = children.find((m) => m?.platform?.os === os && m.platform.architecture === arch)
      if (!child || typeof child.digest !== 'string' || !DIGEST.test(child.digest)) {
        const platforms = children.map((m) => `${m?.platform?.os}/${m?.platform?.architecture}${m?.platform?.variant ? `/${m.platform.variant}` : ''}`)
        throw new FaasError(`no plugin for ${os}/${arch} in ${referenceText(this.ref)}`, {hint: platforms.length ? `It has: ${platforms.join(', ')}; pass --os and --arch to choose one.` : 'The image index lists no platforms.'})
      }
      manifest = await this.fetchManifestBytes(child.digest, child.digest)
    }
    if (!MANIFEST_TYPES.includes(manifest.mediaType)) {
      throw new FaasError(`${referenceText(this.ref)} is not an image (media type ${JSON.stringify(manifest.mediaType)})`, {hint: 'plugin get pulls images made for faas-cli plugins.'})
    }
    const doc = JSON.parse(manifest.body.toString('utf8')) as {layers?: Descriptor[]}
    const layers = Array.isArray(doc.layers) ? doc.layers : []
    if (layers.length > LIMITS.layers) throw new FaasError(`${referenceText(this.ref)} has ${layers.length} layers (at most ${LIMITS.layers})`)
    for (const layer of layers) {
      if (!layer || typeof layer.digest !== 'string' || !DIGEST.test(layer.digest) || !Number.isSafeInteger(layer.size) || layer.size < 0) {
        throw new FaasError(`${referenceText(this.ref)} has a malformed layer descriptor`)
      }
      if (layer.size > LIMITS.layerBytes) throw new FaasError(`a layer of ${referenceText(this.ref)} is ${layer.size} bytes (at most ${LIMITS.layerBytes})`)
    }
    return {digest: manifest.digest, layers}
  }

  /** The layer's bytes, verified against its descriptor as they stream (the stream errors at the end otherwise). */
  async openLayer(layer: Descriptor): Promise<Readable> {
    const res = await this.get(`${this.ref.baseUrl}/v2/${this.ref.repository}/blobs/${layer.digest}`)
    if (res.status !== 200) {
      res.body.resume()
      throw new FaasError(`the registry ${this.ref.registry} answered ${res.status} for layer ${layer.digest}`)
    }
    const what = `layer ${layer.digest}`
    // pipeline: a failure of the download (reset, idle timeout) reaches the reader as an error
    return pipeline(withIdleTimeout(res.body, LIMITS.idleMs, what), new VerifyingStream(layer, what), () => {})
  }
}
