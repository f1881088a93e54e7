/**
 * `plugin get NAME`: pull `<registry>/<NAME>:<version>` anonymously for one OS/architecture and
 * install its files into the plugin folder, as faas-cli does: the image's filesystem is flattened
 * (upper layers win, whiteouts hide lower files) and every regular file lands in the plugin folder
 * under its base name with its mode bits (umask applied); folders and links are skipped.
 *
 * Safe where faas-cli trusts the registry: names with `..`, absolute paths or backslashes reject
 * the image, nothing is written outside the plugin folder (links are never followed or made, a
 * link at the target is replaced, not written through), sizes and entry counts are capped, every
 * byte is checked against its digest before anything is installed, and each file is put in place
 * with a rename from a staging folder beside it, so a failed pull changes nothing.
 */
import {once} from 'node:events'
import {createWriteStream, promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {FaasError, errorMessage} from '../errors.js'
import type {GatewayClient} from '../gateway/client.js'
import type {Descriptor, RegistryClient} from './registry.js'

export const INSTALL_LIMITS = {
  entriesPerLayer: 20_000,
  fileBytes: 1024 * 1024 * 1024,
  totalBytes: 2 * 1024 * 1024 * 1024,
}

export interface PluginGetOptions {
  name: string
  registry: string
  version: string
  /** --os / --arch as given ('' = this machine's, as `uname -s` / `uname -m` say). */
  os?: string
  arch?: string
  /** --path when given (`$HOME` in it is replaced); otherwise $HOME/.openfaas/plugins. */
  path?: string
  env?: NodeJS.ProcessEnv
  userAgent?: string
}

export interface PluginGetResult {
  /** faas-cli's `<registry>/<name>:<version>`. */
  source: string
  digest: string
  /** The client OS and architecture as named (Linux/x86_64), and as looked up in the index (linux/amd64). */
  clientOs: string
  clientArch: string
  os: string
  arch: string
  pluginDir: string
  /** Installed file names, in the order written. */
  files: string[]
  layers: number
  bytes: number
}

/** This machine, as `uname -s` / `uname -m` name it. */
export function clientPlatform(): {os: string; arch: string} {
  return {os: os.type(), arch: os.machine()}
}

/** faas-cli's mapping from uname names to OCI platform names. */
export function downloadPlatform(clientOs: string, clientArch: string): {os: string; arch: string} {
  let arch = clientArch.toLowerCase()
  if (arch === 'x86_64') arch = 'amd64'
  else if (arch === 'aarch64') arch = 'arm64'
  return {os: clientOs.toLowerCase(), arch}
}

export function pluginDirFor(pathFlag: string | undefined, env: NodeJS.ProcessEnv): string {
  const home = env.HOME || os.homedir()
  if (pathFlag !== undefined) return pathFlag.replaceAll('$HOME', env.HOME ?? '')
  return path.join(home, '.openfaas', 'plugins')
}

/** faas-cli's check, plus NUL and a lone "..": an entry that is not a plain relative path rejects the image. */
function cleanEntryPath(name: string): string {
  if (name === '' || name.includes('\\') || name.includes('\0') || name.startsWith('/') || name.split('/').includes('..')) {
    throw new FaasError(`tar contained invalid name ${JSON.stringify(name)}`, {hint: 'The plugin image is malformed or hostile; nothing was installed.'})
  }
  return path.posix.normalize(name).replace(/^(\.\/)+/, '').replace(/\/+$/, '')
}

function ancestors(p: string): string[] {
  const out: string[] = []
  for (let d = p; d !== '.' && d !== '' && d !== '/'; d = path.posix.dirname(d)) out.push(d)
  return out
}

interface StagedFile {
  staged: string
  mode: number
  mtime?: Date
}

/** Flattens the layers (top first, as go-containerregistry exports them) into staged files by base name. */
async function extractLayers(registry: RegistryClient, layers: readonly Descriptor[], staging: string): Promise<{files: Map<string, StagedFile>; bytes: number}> {
  const tar = await import('tar')
  const seen = new Set<string>()
  const hidden = new Set<string>()
  const opaque = new Set<string>()
  const files = new Map<string, StagedFile>()
  let total = 0
  let counter = 0
  const now = new Date()
  for (const layer of [...layers].reverse()) {
    const layerHidden = new Set<string>()
    const layerOpaque = new Set<string>()
    const writes: Promise<void>[] = []
    const outputs: NodeJS.WritableStream[] = []
    let entries = 0
    let failure: unknown
    const parser = new tar.Parser({strict: true})
    parser.on('entry', (entry) => {
      try {
        if (++entries > INSTALL_LIMITS.entriesPerLayer) throw new FaasError(`a layer of the plugin image has more than ${INSTALL_LIMITS.entriesPerLayer} entries`)
        const name = cleanEntryPath(entry.path)
        const base = path.posix.basename(name)
        const dir = path.posix.dirname(name)
        if (base === '.wh..wh..opq') {
          layerOpaque.add(dir)
          return entry.resume()
        }
        if (base.startsWith('.wh.')) {
          layerHidden.add(path.posix.join(dir, base.slice(4)))
          return entry.resume()
        }
        const covered = seen.has(name) || ancestors(name).some((a) => hidden.has(a)) || ancestors(dir).some((a) => opaque.has(a)) || opaque.has('.')
        const regular = entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile'
        if (covered || !regular) {
          if (!covered) seen.add(name)
          return entry.resume()
        }
        seen.add(name)
        if (base === '.' || base === '..' || base === '') return entry.resume()
        const size = entry.size ?? 0
        total += size
        if (size > INSTALL_LIMITS.fileBytes || total > INSTALL_LIMITS.totalBytes) throw new FaasError(`the plugin image holds more than ${size > INSTALL_LIMITS.fileBytes ? INSTALL_LIMITS.fileBytes : INSTALL_LIMITS.totalBytes} bytes of files`)
        const staged = path.join(staging, String(counter++))
        const previous = files.get(base)
        if (previous) writes.push(fs.rm(previous.staged, {force: true}))
        const mtime = entry.mtime && entry.mtime < now ? entry.mtime : now
        files.set(base, {staged, mode: (entry.mode ?? 0o644) & 0o777, mtime})
        const out = createWriteStream(staged, {flags: 'wx', mode: 0o600})
        outputs.push(out)
        entry.pipe(out)
        writes.push(once(out, 'finish').then(() => undefined))
      } catch (error) {
        failure ??= error
        entry.resume()
      }
    })
    const parsed = new Promise<void>((resolve, reject) => {
      parser.on('error', reject)
      parser.on('abort', reject)
      parser.on('end', () => resolve())
    })
    parsed.catch(() => {})
    const source = await registry.openLayer(layer)
    try {
      for await (const chunk of source) {
        if (failure) break
        if (!parser.write(chunk as Buffer)) await once(parser, 'drain')
      }
      if (!failure) {
        parser.end()
        await parsed
      }
    } catch (error) {
      failure ??= error instanceof FaasError ? error : new FaasError(`cannot read layer ${layer.digest}: ${errorMessage(error)}`)
    }
    if (failure) {
      // the staging folder is removed by the caller; files half written stay there
      source.destroy()
      for (const out of outputs) (out as unknown as {destroy(): void}).destroy()
      throw failure
    }
    await Promise.all(writes)
    for (const p of layerHidden) hidden.add(p)
    for (const p of layerOpaque) opaque.add(p)
  }
  return {files, bytes: total}
}

/** Moves the staged files into place, one rename each, with their modes (umask applied, as faas-cli's open does). */
async function installFiles(files: Map<string, StagedFile>, pluginDir: string): Promise<string[]> {
  const umask = process.umask()
  const installed: string[] = []
  for (const [base, file] of files) {
    await fs.chmod(file.staged, file.mode & ~umask)
    if (file.mtime) await fs.utimes(file.staged, file.mtime, file.mtime).catch(() => {})
    await fs.rename(file.staged, path.join(pluginDir, base))
    installed.push(base)
  }
  return installed
}

export async function getPlugin(options: PluginGetOptions, makeClient: (baseUrl: string) => Promise<GatewayClient>): Promise<PluginGetResult> {
  if (!options.name) throw new FaasError('please provide the name of the plugin', {hint: 'For example: faas plugin get pro'})
  if (!options.version) throw new FaasError('please provide the version of the plugin or "latest"')
  const env = options.env ?? process.env
  const client = clientPlatform()
  const clientOs = options.os || client.os
  const clientArch = options.arch || client.arch
  const platform = downloadPlatform(clientOs, clientArch)
  const {RegistryClient, parseImageReference} = await import('./registry.js')
  const ref = parseImageReference(options.registry, options.name, options.version)
  const source = `${options.registry}/${options.name}:${options.version}`
  const registry = new RegistryClient(ref, makeClient)
  const image = await registry.resolveImage(platform.os, platform.arch)

  const pluginDir = pluginDirFor(options.path, env)
  await fs.mkdir(pluginDir, {recursive: true, mode: 0o755})
  const staging = await fs.mkdtemp(path.join(pluginDir, '.faas-plugin-'))
  try {
    const {files, bytes} = await extractLayers(registry, image.layers, staging)
    if (files.size === 0) throw new FaasError(`${source} holds no files`, {hint: 'Is this a faas-cli plugin image?'})
    const installed = await installFiles(files, pluginDir)
    return {source, digest: image.digest, clientOs, clientArch, os: platform.os, arch: platform.arch, pluginDir, files: installed, layers: image.layers.length, bytes}
  } finally {
    await fs.rm(staging, {recursive: true, force: true})
  }
}
