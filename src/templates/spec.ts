/**
 * template.yml: what faas-cli reads from it (spec §3), plus our `host` section, which says how
 * to build and start the function without containers (faas-cli ignores unknown keys, so a
 * template with a host section stays valid for faas-cli).
 */
import fs, {readFileSync} from 'node:fs'
import path from 'node:path'

import {FaasError, errorMessage} from '../errors.js'
import {loadYaml} from '../util/yaml.js'
import {shippedStoreDir, shippedTemplatesDir} from './paths.js'
import {SHIPPED_INDEX_FILE, type ShippedEntry, knownTemplateSpec, resetShippedIndex} from './shipped-index.js'

export interface BuildOption {
  name: string
  packages: string[]
}

export const WATCHDOG_MODES = ['http', 'streaming', 'serializing', 'classic', 'static'] as const
export type WatchdogMode = (typeof WATCHDOG_MODES)[number]

/** How the local runtime builds and runs a function of this template on the host. */
export interface HostSpec {
  /** Programs that must be on PATH (e.g. node, python3, go). */
  requires: string[]
  /** Command lines run in order with `sh -c` in build/<fn>/. */
  build: string[]
  /** The function process (cwd = build/<fn>/); absent for mode static. */
  run?: string
  mode: WatchdogMode
  /** http mode: the env var that carries the loopback port the server must listen on. */
  port_env?: string
  /** Extra environment, e.g. watchdog settings such as exec_timeout. */
  environment: Record<string, string>
}

export interface TemplateSpec {
  language: string
  /** Used by deploy when the function sets none. */
  fprocess?: string
  build_options: BuildOption[]
  /** Printed by `new` under "Notes:". */
  welcome_message?: string
  /** Where the handler goes inside the build context; `function` when the template sets none. */
  handler_folder: string
  /** Build with DOCKER_BUILDKIT=1 so the Dockerfile can mount the SSH agent. */
  mount_ssh: boolean
  host?: HostSpec
}

export const DEFAULT_HANDLER_FOLDER = 'function'

/** Reads and checks `<dir>/template.yml`. */
export async function readTemplateSpec(dir: string): Promise<TemplateSpec> {
  const file = path.join(dir, 'template.yml')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new FaasError(`template directory may be missing or invalid: ${file} does not exist`, {
        hint: 'Pull the templates with "faas template pull" (or "faas template store pull <name>").',
        cause: error,
      })
    }
    throw new FaasError(`cannot read ${file}: ${errorMessage(error)}`, {cause: error})
  }
  // An unchanged copy of a shipped template needs no YAML parser (the `new` start-up figure).
  return knownTemplateSpec(text) ?? parseTemplateSpec(text, file)
}

/** The shipped index as templates-store/shipped.json holds it (see shipped-index.ts). */
export async function buildShippedIndex(): Promise<Record<string, ShippedEntry>> {
  const {treeDigest} = await import('./meta.js')
  const {scanTreeSync} = await import('./safety.js')
  const root = shippedTemplatesDir()
  const out: Record<string, ShippedEntry> = {}
  for (const name of fs.readdirSync(root).sort()) {
    const dir = path.join(root, name)
    const text = fs.readFileSync(path.join(dir, 'template.yml'), 'utf8')
    out[name] = {
      digest: await treeDigest(dir),
      template_yml: text,
      spec: await parseTemplateSpec(text, `templates-store/template/${name}/template.yml`),
      entries: scanTreeSync(dir, `templates-store/template/${name}`).map((e) => ({...e, rel: e.rel.split(path.sep).join('/')})),
    }
  }
  return out
}

/** Rewrites templates-store/shipped.json (run after changing a shipped template). */
export async function writeShippedIndex(): Promise<string> {
  const file = path.join(shippedStoreDir(), SHIPPED_INDEX_FILE)
  fs.writeFileSync(file, JSON.stringify(await buildShippedIndex(), null, 2) + '\n')
  resetShippedIndex()
  return file
}

/** Parses the text of a template.yml (`source` names it in errors). */
export async function parseTemplateSpec(text: string, source = 'template.yml'): Promise<TemplateSpec> {
  const {parse} = await loadYaml()
  let doc: unknown
  try {
    doc = parse(text, {merge: true})
  } catch (error) {
    throw new FaasError(`cannot parse ${source}: ${errorMessage(error).split('\n')[0]}`, {cause: error})
  }
  return toTemplateSpec(doc ?? {}, source)
}

function invalid(source: string, message: string): FaasError {
  return new FaasError(`invalid ${source}: ${message}`)
}

/** Scalars become strings like yaml.v3 does for string fields; maps and lists do not. */
function scalarString(value: unknown, source: string, key: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw invalid(source, `${key} must be a string`)
}

function stringList(value: unknown, source: string, key: string): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw invalid(source, `${key} must be a list`)
  return value.map((item, i) => scalarString(item, source, `${key}[${i}]`) ?? '')
}

function toTemplateSpec(doc: unknown, source: string): TemplateSpec {
  if (typeof doc !== 'object' || Array.isArray(doc)) throw invalid(source, 'expected a mapping at the top level')
  const raw = doc as Record<string, unknown>

  const buildOptions: BuildOption[] = []
  const rawOptions = raw.build_options
  if (rawOptions !== undefined && rawOptions !== null) {
    if (!Array.isArray(rawOptions)) throw invalid(source, 'build_options must be a list')
    rawOptions.forEach((option, i) => {
      if (typeof option !== 'object' || option === null) throw invalid(source, `build_options[${i}] must be a mapping`)
      const o = option as Record<string, unknown>
      buildOptions.push({
        name: scalarString(o.name, source, `build_options[${i}].name`) ?? '',
        packages: stringList(o.packages, source, `build_options[${i}].packages`),
      })
    })
  }

  const handlerFolder = scalarString(raw.handler_folder, source, 'handler_folder') || DEFAULT_HANDLER_FOLDER
  // the build copies the handler into build/<fn>/<handler_folder>: it must stay inside
  const normalised = path.posix.normalize(handlerFolder.replaceAll('\\', '/'))
  if (path.posix.isAbsolute(normalised) || normalised === '..' || normalised.startsWith('../') || /^[a-zA-Z]:/.test(handlerFolder)) {
    throw invalid(source, `handler_folder ${JSON.stringify(handlerFolder)} must be a relative path inside the build context`)
  }

  const spec: TemplateSpec = {
    language: scalarString(raw.language, source, 'language') ?? '',
    build_options: buildOptions,
    handler_folder: handlerFolder,
    mount_ssh: raw.mount_ssh === true || raw.mount_ssh === 'true',
  }
  const fprocess = scalarString(raw.fprocess, source, 'fprocess')
  if (fprocess !== undefined) spec.fprocess = fprocess
  const welcome = scalarString(raw.welcome_message, source, 'welcome_message')
  if (welcome !== undefined) spec.welcome_message = welcome
  if (raw.host !== undefined && raw.host !== null) spec.host = toHostSpec(raw.host, source)
  return spec
}

function toHostSpec(value: unknown, source: string): HostSpec {
  if (typeof value !== 'object' || Array.isArray(value) || value === null) throw invalid(source, 'host must be a mapping')
  const raw = value as Record<string, unknown>
  const mode = scalarString(raw.mode, source, 'host.mode') ?? 'http'
  if (!(WATCHDOG_MODES as readonly string[]).includes(mode)) {
    throw invalid(source, `host.mode must be one of ${WATCHDOG_MODES.join(', ')} (got ${JSON.stringify(mode)})`)
  }
  const build = typeof raw.build === 'string' ? [raw.build] : stringList(raw.build, source, 'host.build')
  const environment: Record<string, string> = {}
  if (raw.environment !== undefined && raw.environment !== null) {
    if (typeof raw.environment !== 'object' || Array.isArray(raw.environment)) throw invalid(source, 'host.environment must be a mapping')
    for (const [k, v] of Object.entries(raw.environment as Record<string, unknown>)) {
      environment[k] = scalarString(v, source, `host.environment.${k}`) ?? ''
    }
  }
  const host: HostSpec = {
    requires: stringList(raw.requires, source, 'host.requires'),
    build,
    mode: mode as WatchdogMode,
    environment,
  }
  const run = scalarString(raw.run, source, 'host.run')
  if (run !== undefined) host.run = run
  else if (mode !== 'static') throw invalid(source, 'host.run is required unless host.mode is static')
  const portEnv = scalarString(raw.port_env, source, 'host.port_env')
  if (portEnv !== undefined) host.port_env = portEnv
  else if (mode === 'http') throw invalid(source, 'host.port_env is required when host.mode is http')
  return host
}
