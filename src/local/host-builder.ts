/**
 * The host builder: turns an assembled build context (`build/<fn>/`, as `--shrinkwrap` leaves
 * it) into something the local runtime can run without containers, using the `host` section of
 * the template's template.yml:
 *   1. check that every program in `host.requires` is on PATH;
 *   2. run the `host.build` command lines with `sh -c` in build/<fn>/ (skipped when an identical
 *      context was built before, unless noCache);
 *   3. copy the result into the image store (`store/<image>-<digest>-<id>/`) so a later build
 *      never changes a running function;
 *   4. record it in the local image index under the image reference.
 *
 * `lang: dockerfile` functions have no template files in their context. For them the rule is:
 * the Dockerfile's final-stage `ENV` lines give the settings (`fprocess` is the command,
 * `mode`, timeouts, ...; a classic-watchdog base means mode classic, an of-watchdog base means
 * of-watchdog's default mode streaming), falling back on the dockerfile template's host
 * section. The other Dockerfile instructions are NOT run on the host; the function runs with
 * the context folder as its working directory. With neither an `ENV fprocess` nor a host
 * section, the build fails: that function needs a container engine.
 */
import {spawn} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {errorMessage, FaasError} from '../errors.js'
import type {HostSpec} from '../templates/spec.js'
import {type ImageIndexEntry, imageIndexPath, imageStoreDir, normaliseImageRef, recordImage} from './image-index.js'
import {splitFprocess, WATCHDOG_MODES, type WatchdogMode} from './watchdog/config.js'
import {findExecutable} from '../util/executable.js'

export type {HostSpec} from '../templates/spec.js'

/** The `host` section of `<templateDir>/template.yml`, or undefined when the template has none. */
export async function readHostSpec(templateDir: string): Promise<HostSpec | undefined> {
  const {readTemplateSpec} = await import('../templates/spec.js')
  return (await readTemplateSpec(templateDir)).host
}

const INSTALL_HINTS: Record<string, string> = {
  node: 'install Node.js 20 or later (https://nodejs.org/, or your package manager: apt install nodejs, brew install node)',
  npm: 'npm comes with Node.js (https://nodejs.org/); on Debian/Ubuntu: apt install npm',
  python3: 'install Python 3 (https://www.python.org/downloads/, or apt install python3, brew install python)',
  python: 'install Python 3 (https://www.python.org/downloads/, or apt install python3, brew install python)',
  pip3: 'install pip for Python 3 (apt install python3-pip, or python3 -m ensurepip)',
  go: 'install Go (https://go.dev/dl/, or apt install golang-go, brew install go)',
  bash: 'install bash with your package manager (apt install bash, brew install bash)',
  php: 'install PHP (apt install php-cli, brew install php)',
  java: 'install a JDK (apt install default-jdk, brew install openjdk)',
  ruby: 'install Ruby (apt install ruby, brew install ruby)',
}

export {findExecutable}

export function installHint(program: string): string {
  return INSTALL_HINTS[program] ?? `install "${program}" with your package manager and make sure it is on PATH`
}

/** Which of the template's required programs are missing from PATH. */
export async function hostToolchainAvailable(
  host: Pick<HostSpec, 'requires'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ok: boolean; missing: string[]}> {
  const missing: string[] = []
  for (const program of host.requires) {
    if (!(await findExecutable(program, env))) missing.push(program)
  }
  return {ok: missing.length === 0, missing}
}

export interface BuildOnHostOptions {
  /** The assembled build context, `build/<fn>/`. */
  contextDir: string
  /** Image reference to record the result under (`me/hello:latest`). */
  image: string
  /** The template's host section (readHostSpec); may be undefined for `lang: dockerfile`. */
  host?: HostSpec
  functionName?: string
  lang?: string
  /** Where the handler sits in the context (template.yml handler_folder; '' for dockerfile). */
  handlerFolder?: string
  /** Docker build args; the build steps see them as environment variables. */
  buildArgs?: Record<string, string>
  /** Environment for the build steps (default process.env). */
  env?: NodeJS.ProcessEnv
  /** Rebuild even if an identical context was built before. */
  noCache?: boolean
  /** Each line the build steps print (stdout and stderr); default: not shown. */
  onOutput?: (line: string) => void
  /** Index file (default imageIndexPath()). */
  indexPath?: string
}

export interface HostBuildResult {
  image: string
  dir: string
  digest: string
  entry: ImageIndexEntry
  /** True when an earlier identical build was reused. */
  cached: boolean
  /** Notes for the user (e.g. Dockerfile instructions that are not run on the host). */
  warnings: string[]
}

export async function buildOnHost(opts: BuildOnHostOptions): Promise<HostBuildResult> {
  const env = opts.env ?? process.env
  const label = opts.functionName ?? opts.image
  const contextDir = path.resolve(opts.contextDir)
  const stat = await fs.stat(contextDir).catch(() => undefined)
  if (!stat?.isDirectory()) throw new FaasError(`build context ${contextDir} does not exist`, {hint: 'assemble it first (faas build --shrinkwrap)'})
  const warnings: string[] = []
  const spec = (opts.lang ?? '').toLowerCase() === 'dockerfile'
    ? await dockerfileHostSpec(contextDir, opts.host, warnings)
    : opts.host
  if (!spec) {
    throw new FaasError(`cannot build ${label} on the host: template ${opts.lang ?? '(unknown)'} has no "host" section in its template.yml`, {
      hint: 'use a template that supports building without containers (faas template store list), or install Docker or Podman',
    })
  }
  const toolchain = await hostToolchainAvailable(spec, env)
  if (!toolchain.ok) {
    const first = toolchain.missing[0]
    throw new FaasError(
      `cannot build ${label} on the host: ${toolchain.missing.map((p) => `"${p}"`).join(', ')} ${toolchain.missing.length > 1 ? 'are' : 'is'} not installed (not found on PATH)`,
      {hint: toolchain.missing.map((p) => installHint(p)).join('; ') || installHint(first)},
    )
  }

  const image = normaliseImageRef(opts.image)
  const indexPath = opts.indexPath ?? imageIndexPath(env)
  const store = imageStoreDir(indexPath)
  const digest = await contextDigest(contextDir, {spec, buildArgs: opts.buildArgs ?? {}})
  const slug = image.replace(/[^A-Za-z0-9._-]+/g, '_')
  const prefix = `${slug}-${digest.slice('sha256:'.length, 'sha256:'.length + 16)}-`
  await fs.mkdir(store, {recursive: true})

  let dir: string | undefined
  let cached = false
  if (!opts.noCache) {
    const existing = (await fs.readdir(store)).filter((n) => n.startsWith(prefix)).sort()
    if (existing.length) {
      dir = path.join(store, existing[existing.length - 1])
      cached = true
    }
  }
  if (!dir) {
    for (const step of spec.build) await runBuildStep(step, contextDir, {...env, ...opts.buildArgs}, label, opts.onOutput)
    const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
    const tmp = path.join(store, `.tmp-${prefix}${id}`)
    dir = path.join(store, prefix + id)
    try {
      await fs.cp(contextDir, tmp, {recursive: true, verbatimSymlinks: true, preserveTimestamps: true})
      await fs.rename(tmp, dir)
    } catch (err) {
      await fs.rm(tmp, {recursive: true, force: true})
      throw new FaasError(`cannot copy the built function into ${store}: ${errorMessage(err)}`, {cause: err})
    }
  }

  const entry: ImageIndexEntry = {
    image,
    dir,
    digest,
    run: spec.run ?? '',
    mode: spec.mode,
    environment: {...spec.environment},
    builtAt: new Date().toISOString(),
  }
  if (spec.port_env) entry.port_env = spec.port_env
  const imageFprocess = await templateFprocess(contextDir)
  if (imageFprocess) entry.image_fprocess = imageFprocess
  if (opts.lang) entry.lang = opts.lang
  if (opts.functionName) entry.function = opts.functionName
  entry.source = contextDir
  entry.handler_folder = (opts.lang ?? '').toLowerCase() === 'dockerfile' ? '' : (opts.handlerFolder ?? 'function')
  await recordImage(entry, indexPath)
  await pruneStore(store, slug, dir)
  return {image, dir, digest, entry, cached, warnings}
}

/** The template's container `fprocess`, from the template.yml the build context carries. */
async function templateFprocess(contextDir: string): Promise<string | undefined> {
  try {
    await fs.access(path.join(contextDir, 'template.yml'))
    const {readTemplateSpec} = await import('../templates/spec.js')
    return (await readTemplateSpec(contextDir)).fprocess
  } catch {
    return undefined
  }
}

/** Keeps the newest few builds of one image (older ones may still serve a running function for a while). */
async function pruneStore(store: string, slug: string, current: string, keep = 4): Promise<void> {
  const mine = new RegExp(`^${slug.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f]{16}-[0-9a-z]+$`)
  const dirs: Array<{name: string; mtime: number}> = []
  for (const name of await fs.readdir(store)) {
    if (!mine.test(name) || path.join(store, name) === current) continue
    const st = await fs.stat(path.join(store, name)).catch(() => undefined)
    if (st) dirs.push({name, mtime: st.mtimeMs})
  }
  dirs.sort((a, b) => b.mtime - a.mtime)
  for (const d of dirs.slice(keep - 1)) await fs.rm(path.join(store, d.name), {recursive: true, force: true})
}

function runBuildStep(
  step: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  label: string,
  onOutput?: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', step], {cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
    const tail: string[] = []
    let pending = ''
    const onData = (c: Buffer) => {
      pending += c.toString('utf8')
      let nl: number
      while ((nl = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, nl)
        pending = pending.slice(nl + 1)
        tail.push(line)
        if (tail.length > 40) tail.shift()
        onOutput?.(line)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', (err) => reject(new FaasError(`[${label}] cannot run host build step "${step}": ${err.message}`)))
    child.on('close', (code, signal) => {
      if (pending) {
        tail.push(pending)
        onOutput?.(pending)
      }
      if (code === 0) return resolve()
      const how = signal ? `signal ${signal}` : `exit code ${code}`
      reject(
        new FaasError(`[${label}] host build step failed (${how}): ${step}${tail.length ? '\n' + tail.join('\n') : ''}`, {
          hint: `fix the error above; the step runs with "sh -c" in ${cwd}`,
        }),
      )
    })
  })
}

/** sha256 over the context's paths, modes and contents plus the build settings. */
export async function contextDigest(dir: string, settings: unknown): Promise<string> {
  const hash = createHash('sha256')
  hash.update(JSON.stringify(settings))
  const walk = async (rel: string): Promise<void> => {
    const abs = path.join(dir, rel)
    const entries = (await fs.readdir(abs, {withFileTypes: true})).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name
      const p = path.join(dir, r)
      const st = await fs.lstat(p)
      if (st.isSymbolicLink()) {
        hash.update(`L\0${r}\0${await fs.readlink(p)}\0`)
      } else if (st.isDirectory()) {
        hash.update(`D\0${r}\0${st.mode & 0o7777}\0`)
        await walk(r)
      } else if (st.isFile()) {
        hash.update(`F\0${r}\0${st.mode & 0o7777}\0${st.size}\0`)
        hash.update(await fs.readFile(p))
      }
    }
  }
  await walk('')
  return 'sha256:' + hash.digest('hex')
}

/** The host settings of a `lang: dockerfile` function (see the module comment for the rule). */
async function dockerfileHostSpec(
  contextDir: string,
  templateHost: HostSpec | undefined,
  warnings: string[],
): Promise<HostSpec | undefined> {
  let text: string
  try {
    text = await fs.readFile(path.join(contextDir, 'Dockerfile'), 'utf8')
  } catch {
    text = ''
  }
  const {env, bases} = parseDockerfileFinalStage(text)
  const fprocess = env.fprocess ?? env.function_process
  if (!fprocess && !templateHost) return undefined
  let mode: WatchdogMode | undefined
  const modeText = env.mode?.toLowerCase()
  if (modeText && (WATCHDOG_MODES as readonly string[]).includes(modeText)) mode = modeText as WatchdogMode
  const usesClassic = bases.some((b) => b.includes('classic-watchdog'))
  const usesOf = bases.some((b) => b.includes('of-watchdog'))
  mode ??= usesClassic ? 'classic' : usesOf ? 'streaming' : templateHost?.mode ?? 'classic'
  const environment: Record<string, string> = {...(templateHost?.environment ?? {})}
  for (const [k, v] of Object.entries(env)) {
    if (k === 'fprocess' || k === 'function_process' || k === 'mode') continue
    environment[k] = v
  }
  const run = fprocess ?? templateHost?.run
  const requires = new Set(templateHost?.requires ?? [])
  if (fprocess) {
    requires.delete(splitFprocess(templateHost?.run ?? '').file)
    const program = splitFprocess(fprocess).file
    if (!program.startsWith('./') && !program.startsWith('/')) requires.add(program)
  }
  if (mode === 'http' && !templateHost?.port_env) {
    warnings.push('mode http from a Dockerfile: the function must listen on the address in upstream_url')
  }
  warnings.push(`the Dockerfile's RUN/COPY instructions are not run on the host; "${run}" runs in the build folder`)
  const spec: HostSpec = {
    requires: [...requires],
    build: templateHost?.build ?? [],
    mode,
    environment,
  }
  if (run) spec.run = run
  if (templateHost?.port_env) spec.port_env = templateHost.port_env
  return spec
}

/** ENV values and FROM/COPY --from bases of a Dockerfile's last stage. */
export function parseDockerfileFinalStage(text: string): {env: Record<string, string>; bases: string[]} {
  const lines: string[] = []
  let current = ''
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line.startsWith('#') && current === '') continue
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' '
      continue
    }
    current += line
    if (current.trim()) lines.push(current.trim())
    current = ''
  }
  if (current.trim()) lines.push(current.trim())
  let env: Record<string, string> = {}
  const allBases: string[] = []
  for (const line of lines) {
    const m = /^(\w+)\s+(.*)$/s.exec(line)
    if (!m) continue
    const instr = m[1].toUpperCase()
    const rest = m[2]
    if (instr === 'FROM') {
      env = {}
      allBases.push(rest)
    } else if (instr === 'COPY' && /--from=/.test(rest)) {
      allBases.push(rest)
    } else if (instr === 'ENV') {
      Object.assign(env, parseEnvInstruction(rest))
    }
  }
  return {env, bases: allBases}
}

function unquote(v: string): string {
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1)
  return v
}

function parseEnvInstruction(rest: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(rest)) {
    // Legacy form: ENV key value with spaces
    const m = /^(\S+)\s+(.*)$/.exec(rest)
    if (m) out[m[1]] = unquote(m[2].trim())
    return out
  }
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(rest))) out[m[1]] = unquote(m[2]).replace(/\\"/g, '"')
  return out
}
