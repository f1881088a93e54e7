/**
 * A real OCI registry for tests: Debian's `docker-registry` on a free loopback port, storage in a
 * temp folder, plain HTTP, no auth; images are pushed with plain HTTP calls to the distribution API
 * (blob upload, manifest PUT). Also small helpers to build the layer tarballs by hand (so a test
 * can make any entry, hostile ones included) and a loopback proxy that plays a hostile or
 * token-protected registry in front of the real one.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {createHash} from 'node:crypto'
import http from 'node:http'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {gzipSync} from 'node:zlib'

import {freeLoopbackPort} from '../../src/util/ports.js'

export interface Registry {
  /** host:port */
  host: string
  url: string
  log(): string
  stop(): Promise<void>
}

export function haveDockerRegistry(): boolean {
  return spawnSync('sh', ['-c', 'command -v docker-registry'], {stdio: 'ignore'}).status === 0
}

/** Starts docker-registry; fails (never skips) when it is not installed. */
export async function startRegistry(): Promise<Registry> {
  if (!haveDockerRegistry()) throw new Error('docker-registry is not installed: apt-get install docker-registry (CI installs it from .ci/run)')
  const root = mkdtempSync(path.join(os.tmpdir(), 'faas-registry-'))
  const host = `127.0.0.1:${await freeLoopbackPort()}`
  writeFileSync(path.join(root, 'registry.yml'), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${root}/data\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n`)
  const child: ChildProcess = spawn('docker-registry', ['serve', path.join(root, 'registry.yml')], {stdio: ['ignore', 'pipe', 'pipe']})
  let log = ''
  child.stdout!.on('data', (d: Buffer) => { log += d.toString() })
  child.stderr!.on('data', (d: Buffer) => { log += d.toString() })
  const url = `http://${host}`
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    rmSync(root, {recursive: true, force: true})
  }
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break
    try {
      if ((await fetch(`${url}/v2/`)).status === 200) return {host, url, log: () => log, stop}
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  await stop()
  throw new Error(`docker-registry did not come up: ${log}`)
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

export interface Blob {
  digest: string
  size: number
  mediaType: string
}

/** Monolithic blob upload: POST an upload session, PUT the bytes with their digest. */
export async function pushBlob(registry: Registry, repository: string, data: Buffer, mediaType: string): Promise<Blob> {
  const digest = sha256(data)
  const start = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, {method: 'POST'})
  if (start.status !== 202) throw new Error(`blob upload start: ${start.status} ${await start.text()}`)
  const location = new URL(start.headers.get('location')!, registry.url)
  location.searchParams.set('digest', digest)
  const put = await fetch(location, {method: 'PUT', body: data, headers: {'content-type': 'application/octet-stream'}})
  if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`)
  return {digest, size: data.length, mediaType}
}

export async function pushManifest(registry: Registry, repository: string, reference: string, manifest: object): Promise<Blob> {
  const body = Buffer.from(JSON.stringify(manifest))
  const mediaType = (manifest as {mediaType: string}).mediaType
  const res = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {method: 'PUT', body, headers: {'content-type': mediaType}})
  if (res.status !== 201) throw new Error(`manifest PUT ${reference}: ${res.status} ${await res.text()}`)
  return {digest: sha256(body), size: body.length, mediaType}
}

export interface TarEntry {
  name: string
  /** '0' file (default), '5' folder, '2' symlink, '1' hard link */
  type?: '0' | '1' | '2' | '5'
  mode?: number
  data?: string | Buffer
  linkname?: string
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0'
}

/** A ustar archive of exactly these entries (names up to 100 bytes). */
export function tarball(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = []
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '')
    const header = Buffer.alloc(512)
    header.write(e.name, 0, 100)
    header.write(octal(e.mode ?? (e.type === '5' ? 0o755 : 0o644), 8), 100)
    header.write(octal(0, 8), 108)
    header.write(octal(0, 8), 116)
    header.write(octal(e.type === '0' || e.type === undefined ? data.length : 0, 12), 124)
    header.write(octal(1_700_000_000, 12), 136)
    header.write('        ', 148)
    header.write(e.type ?? '0', 156)
    header.write(e.linkname ?? '', 157, 100)
    header.write('ustar\0', 257)
    header.write('00', 263)
    let sum = 0
    for (const byte of header) sum += byte
    header.write(octal(sum, 7) + ' ', 148)
    blocks.push(header)
    if (e.type === '0' || e.type === undefined) {
      blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512))
    }
  }
  blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip'
export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar'

/** Pushes an image of these layers (each a list of entries, gzipped unless `gzip: false`); returns its manifest descriptor. */
export async function pushImage(
  registry: Registry,
  repository: string,
  reference: string,
  layers: TarEntry[][],
  options: {os?: string; architecture?: string; gzip?: boolean} = {},
): Promise<Blob> {
  const pushed: Blob[] = []
  const diffIds: string[] = []
  for (const entries of layers) {
    const tar = tarball(entries)
    diffIds.push(sha256(tar))
    const gzip = options.gzip ?? true
    pushed.push(await pushBlob(registry, repository, gzip ? gzipSync(tar) : tar, gzip ? OCI_LAYER_GZIP : OCI_LAYER_TAR))
  }
  const config = Buffer.from(JSON.stringify({architecture: options.architecture ?? 'amd64', os: options.os ?? 'linux', rootfs: {type: 'layers', diff_ids: diffIds}}))
  const configBlob = await pushBlob(registry, repository, config, 'application/vnd.oci.image.config.v1+json')
  return pushManifest(registry, repository, reference, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {mediaType: configBlob.mediaType, digest: configBlob.digest, size: configBlob.size},
    layers: pushed.map((l) => ({mediaType: l.mediaType, digest: l.digest, size: l.size})),
  })
}

/** Pushes an image index naming these images with their platforms. */
export async function pushIndex(registry: Registry, repository: string, tag: string, children: Array<{image: Blob; os: string; architecture: string}>): Promise<Blob> {
  return pushManifest(registry, repository, tag, {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: children.map((c) => ({mediaType: c.image.mediaType, digest: c.image.digest, size: c.image.size, platform: {architecture: c.architecture, os: c.os}})),
  })
}

export interface ProxyOptions {
  /** Ask for a bearer token (401 + WWW-Authenticate) and serve one at /token. */
  requireToken?: boolean
  /** Change one byte of every blob answer (the digest no longer matches). */
  corruptBlobs?: boolean
  /** Change the manifest bytes but keep the Docker-Content-Digest header. */
  corruptManifests?: boolean
  /** Answer manifests with this many bytes of padding. */
  hugeManifestBytes?: number
}

export interface Proxy {
  host: string
  requests: Array<{method: string; url: string; authorization?: string}>
  close(): Promise<void>
}

/** A registry in front of the real one that misbehaves as told. */
export async function startProxy(registry: Registry, options: ProxyOptions): Promise<Proxy> {
  const requests: Proxy['requests'] = []
  const token = 'test-pull-token'
  let host = ''
  const server = http.createServer(async (req, res) => {
    requests.push({method: req.method!, url: req.url!, authorization: req.headers.authorization})
    if (options.requireToken) {
      if (req.url!.startsWith('/token')) {
        res.writeHead(200, {'content-type': 'application/json'})
        return res.end(JSON.stringify({token}))
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401, {'www-authenticate': `Bearer realm="http://${host}/token",service="test-registry",scope="repository:any:pull"`})
        return res.end('{"errors":[{"code":"UNAUTHORIZED"}]}')
      }
    }
    const upstream = await fetch(`${registry.url}${req.url}`, {headers: {accept: req.headers.accept ?? '*/*'}})
    let body = Buffer.from(await upstream.arrayBuffer())
    const headers: Record<string, string> = {}
    for (const name of ['content-type', 'docker-content-digest']) {
      const value = upstream.headers.get(name)
      if (value) headers[name] = value
    }
    if (upstream.status === 200 && req.url!.includes('/blobs/') && options.corruptBlobs) {
      body = Buffer.from(body)
      body[body.length >> 1] ^= 0xff
    }
    if (upstream.status === 200 && req.url!.includes('/manifests/')) {
      if (options.corruptManifests) body = Buffer.concat([body, Buffer.from(' ')])
      if (options.hugeManifestBytes) body = Buffer.concat([body, Buffer.alloc(options.hugeManifestBytes, 0x20)])
    }
    res.writeHead(upstream.status, headers)
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  host = `127.0.0.1:${(server.address() as {port: number}).port}`
  return {host, requests, close: () => new Promise((resolve) => server.close(() => resolve()))}
}
