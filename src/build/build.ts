/**
 * The build service: stack functions → build contexts → images (spec §3, §4.2), with faas-cli's
 * argv and output, bounded parallelism, and incremental builds (an image whose inputs are
 * unchanged since its last successful build is not rebuilt).
 */
import {createHash} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {FaasError, errorMessage, isFaasError} from '../errors.js'
import type {Stack, StackFunction} from '../stack/types.js'
import {buildArgv, buildEnv, type BuildFlagsSpec, type ContainerEngine} from './argv.js'
import {BuildCache, buildDigest} from './cache.js'
import {
  digestContextPlan, handlerDigest, isDockerfileLang, listWrittenContext, planBuildContext, writeBuildContext,
  type ContextPlan,
} from './context.js'
import {runEngine, type BuilderKind} from './engine.js'
import {readGitFacts} from './git.js'
import {imageReference, type GitFacts, type TagFormat} from './image.js'
import {mergeBuildArgs, mergeBuildOptions, mergeCopyPaths, parseBuildArgFlags, parseKeyValueFlags} from '../stack/merge.js'
import {additionalPackages, finalBuildArgs, ADDITIONAL_PACKAGE} from './options.js'
import {runWorkers} from './pool.js'
import type {Progress} from './progress.js'
import type {ResolvedTemplate, TemplateLookup} from './templates.js'

export interface BuildFlagValues {
  tag: TagFormat
  buildArgs: readonly string[]
  buildOptions: readonly string[]
  buildLabels: readonly string[]
  copyExtra: readonly string[]
  noCache?: boolean
  squash?: boolean
  pull?: boolean
  quiet?: boolean
}

export interface BuildRequest extends BuildFlagValues {
  cwd: string
  /** Selected functions (stack order). */
  functions: readonly StackFunction[]
  /** The stack, when there is one (flags-only builds have none). */
  stack?: Stack
  shrinkwrap?: boolean
  /** Rebuild even when the inputs are unchanged. */
  force?: boolean
  parallel: number
  builder: BuilderKind
  templates: TemplateLookup
  progress: Progress
  env?: NodeJS.ProcessEnv
  /** Incremental-build records (default: under $XDG_CACHE_HOME/faas). */
  cache?: BuildCache
  /** Builds without a container engine (builder `host`), provided by the local runtime. */
  hostBuild?: HostBuild
}

/** How the host builder is called (src/local/host-builder.ts provides the implementation). */
export type HostBuild = (input: {
  cwd: string
  fn: StackFunction
  image: string
  template?: ResolvedTemplate
  contextDir: string
  buildArgs: Record<string, string>
  noCache?: boolean
  env: NodeJS.ProcessEnv
  progress: Progress
}) => Promise<void>

export type BuildOutcome = 'built' | 'up to date' | 'skipped' | 'shrinkwrapped' | 'failed'

export interface FunctionBuildResult {
  name: string
  image?: string
  outcome: BuildOutcome
  seconds: number
  error?: string
  hint?: string
  /** Absolute path of build/<fn>. */
  contextDir?: string
}

/** Everything about one function's build, decided before anything is written or run. */
export interface PreparedBuild {
  fn: StackFunction
  lang: string
  image: string
  template?: ResolvedTemplate
  plan: ContextPlan
  /** The flags shared by build and publish (§4.2 flag slice). */
  flags: BuildFlagsSpec
  argv: string[]
  env: Record<string, string>
  secrets: Array<[string, string]>
}

/** `lang: Dockerfile` means the dockerfile language, in flags and in stack files (§10 quirk fixed). */
export function normaliseLang(lang: string | undefined): string | undefined {
  if (lang === undefined) return undefined
  return lang.toLowerCase() === 'dockerfile' ? 'dockerfile' : lang
}

/** Image references for the functions, by `--tag` (git facts read once). */
export async function imageResolver(tag: TagFormat, cwd: string): Promise<(fn: StackFunction) => Promise<string>> {
  const facts: GitFacts = await readGitFacts(tag, cwd)
  return async (fn) => {
    if (!fn.image) throw new FaasError(`function ${fn.name} has no image`, {hint: 'Set "image:" for it in the stack file'})
    if (tag !== 'digest') return imageReference(fn.image, tag, facts)
    if (!fn.handler) throw new FaasError(`--tag digest needs a handler folder for ${fn.name}`)
    return imageReference(fn.image, tag, {handlerDigest: await handlerDigest(path.resolve(cwd, fn.handler))})
  }
}

async function sha256File(file: string): Promise<string> {
  return createHash('sha256').update(await fs.readFile(file)).digest('hex')
}

/** Resolve one function's build (template, image, context plan, argv). Throws FaasError on bad input. */
export async function prepareBuild(
  fn: StackFunction,
  req: BuildRequest,
  resolveImage: (fn: StackFunction) => Promise<string>,
  engine: ContainerEngine,
): Promise<PreparedBuild> {
  const env = req.env ?? process.env
  const lang = normaliseLang(fn.lang)!
  const dockerfile = isDockerfileLang(lang)
  const template = dockerfile ? undefined : await req.templates.resolve(lang)
  if (!fn.handler) throw new FaasError(`building ${fn.name}, no handler folder is set`, {hint: 'Set "handler:" for it in the stack file'})
  const image = await resolveImage(fn)

  const args = mergeBuildArgs(fn.build_args, parseBuildArgFlags(req.buildArgs))
  const options = mergeBuildOptions(req.buildOptions, fn.build_options)
  if (dockerfile && options.length) {
    throw new FaasError(`You're using a build option unavailable for dockerfile: ${options.join(', ')}`, {hint: 'Build options need a language template; the dockerfile language has none'})
  }
  const packages = additionalPackages(lang, options, template?.spec.build_options, args[ADDITIONAL_PACKAGE])
  const labels = Object.entries(parseBuildLabels(req.buildLabels))

  const secrets: Array<[string, string]> = []
  for (const [id, file] of Object.entries(fn.build_secrets ?? {})) {
    const abs = path.resolve(req.cwd, file)
    try {
      await fs.access(abs)
    } catch {
      throw new FaasError(`build secret ${id} of ${fn.name}: file ${file} does not exist`, {hint: 'Check build_secrets in the stack file'})
    }
    secrets.push([id, abs])
  }

  const plan = await planBuildContext({
    cwd: req.cwd,
    name: fn.name,
    handler: fn.handler,
    lang,
    templateDir: template?.dir,
    handlerFolder: template?.spec.handler_folder,
    extraPaths: mergeCopyPaths(req.copyExtra, req.stack?.configuration?.copy),
  })

  const flags: BuildFlagsSpec = {
    noCache: req.noCache,
    squash: req.squash,
    pull: req.pull,
    httpProxy: env.http_proxy,
    httpsProxy: env.https_proxy,
    buildArgs: finalBuildArgs(args, packages),
    labels,
  }
  const argv = buildArgv({...flags, engine, image, secrets, isolation: env.BUILDAH_ISOLATION || undefined})
  return {fn, lang, image, template, plan, flags, argv, env: buildEnv(engine, {mountSsh: Boolean(template?.spec.mount_ssh), hasSecrets: secrets.length > 0}), secrets}
}

/** `--build-label LABEL=VALUE` values (key required, value may be empty, like docker's --label). */
export function parseBuildLabels(values: readonly string[]): Record<string, string> {
  return parseKeyValueFlags(values, '--build-label', {trim: true})
}

function sameListing(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i])
}

/** Build the selected functions. Never throws for one function's failure: see the results. */
/** Read each template once per run, however many functions use it. */
export function memoTemplates(lookup: TemplateLookup): TemplateLookup {
  const seen = new Map<string, Promise<ResolvedTemplate>>()
  return {
    ensure: (functions, stack) => lookup.ensure(functions, stack),
    resolve(lang) {
      let p = seen.get(lang)
      if (!p) {
        p = lookup.resolve(lang)
        seen.set(lang, p)
      }
      return p
    },
  }
}

export async function buildFunctions(req: BuildRequest): Promise<FunctionBuildResult[]> {
  if (!Number.isInteger(req.parallel) || req.parallel < 1) throw new FaasError('The --parallel flag must be greater than 0')
  const progress = req.progress
  const cache = req.cache ?? new BuildCache(req.env ?? process.env)
  // validate flag values once, before any work
  parseBuildArgFlags(req.buildArgs)
  parseBuildLabels(req.buildLabels)

  const results: FunctionBuildResult[] = []
  const toBuild: StackFunction[] = []
  for (const fn of req.functions) {
    if (fn.skip_build) {
      progress.log(`Skipping build of: ${fn.name}.`)
      results.push({name: fn.name, outcome: 'skipped', seconds: 0})
    } else if (!fn.lang) {
      progress.log(`Please provide a valid language for your function: ${fn.name}.`)
      results.push({name: fn.name, outcome: 'skipped', seconds: 0})
    } else {
      toBuild.push(fn)
    }
  }
  if (!toBuild.length) return results

  await req.templates.ensure(toBuild.map((f) => ({...f, lang: normaliseLang(f.lang)})), req.stack)
  req = {...req, templates: memoTemplates(req.templates)}
  const resolveImage = await imageResolver(req.tag, req.cwd)
  const engine: ContainerEngine = req.builder === 'host' ? 'docker' : req.builder

  // Two stages: everything but the engine (plan, digest, the up-to-date check, writing the
  // context) is staged ahead, while earlier functions' engines run; a worker slot then only
  // starts the engine. Staging goes in order, two at a time, and only `parallel` functions ahead
  // of the slots: the first engine starts as soon as the first function is staged, and file work
  // for later functions never holds the main thread while a slot is waiting to start its engine.
  const {default: pLimit} = await import('p-limit')
  const stageLimit = pLimit(Math.min(2, req.parallel))
  const staged: Array<Promise<StagedBuild>> = []
  const stageAt = (index: number): Promise<StagedBuild> =>
    (staged[index] ??= stageLimit(async (): Promise<StagedBuild> => {
      let prepared: PreparedBuild | undefined
      try {
        prepared = await prepareBuild(toBuild[index], req, resolveImage, engine)
        return {prepared, ...(await stageBuild(prepared, req, cache, engine))}
      } catch (error) {
        return {prepared, error}
      }
    }))
  for (let i = 0; i < Math.min(req.parallel, toBuild.length); i++) void stageAt(i)

  const built = await runWorkers(toBuild, req.parallel, async (fn, worker, index) => {
    const started = performance.now()
    const seconds = () => (performance.now() - started) / 1000
    progress.start({name: fn.name, worker, verb: 'Building'})
    const stage = await stageAt(index)
    // the function `parallel` places on is staged while this one's engine runs
    if (index + req.parallel < toBuild.length) void stageAt(index + req.parallel)
    const image = stage.prepared?.image
    const plan = stage.prepared?.plan
    try {
      if (stage.error !== undefined) throw stage.error
      const outcome = await finishBuild(stage.prepared!, stage, req, cache, engine)
      progress.end(fn.name, outcome === 'built' ? 'done' : outcome === 'failed' ? 'failed' : 'up to date', seconds())
      return {name: fn.name, image, outcome, seconds: seconds(), contextDir: plan!.root} satisfies FunctionBuildResult
    } catch (error) {
      const message = errorMessage(error)
      progress.end(fn.name, 'failed', seconds())
      if (!isFaasError(error)) progress.log(`[${fn.name}] ${message}`)
      const hint = isFaasError(error) ? error.hint : undefined
      return {name: fn.name, image, outcome: 'failed', seconds: seconds(), error: message, hint, contextDir: plan?.root} satisfies FunctionBuildResult
    }
  }, (w) => progress.workerDone(w))
  return [...results, ...built]
}

/** What the first stage left for the worker: an outcome already, or the engine still to run. */
interface StagedBuild {
  prepared?: PreparedBuild
  error?: unknown
  /** shrinkwrapped or up to date: nothing left but to say so */
  outcome?: BuildOutcome
  /** the context was written again for an image that is up to date */
  rewritten?: boolean
  /** the build's digest, for the cache record once the engine succeeded */
  digest?: string
}

/** The file work of one build, done ahead of its worker slot: never runs the engine. */
async function stageBuild(p: PreparedBuild, req: BuildRequest, cache: BuildCache, engine: ContainerEngine): Promise<Omit<StagedBuild, 'prepared'>> {
  if (req.shrinkwrap) {
    await writeBuildContext(p.plan, req.env)
    return {outcome: 'shrinkwrapped'}
  }
  if (req.builder === 'host') {
    if (!req.hostBuild) throw new FaasError('the host builder is not available in this build of faas', {hint: 'Install docker or podman, or use --engine docker|podman'})
    await writeBuildContext(p.plan, req.env, {offThread: true})
    return {}
  }
  const secretDigests: Array<[string, string]> = []
  for (const [id, file] of p.secrets) secretDigests.push([id, await sha256File(file)])
  const digest = buildDigest({engine, image: p.image, contextDigest: await digestContextPlan(p.plan), argv: p.argv, env: p.env, secretDigests})
  if (!req.force && !req.noCache) {
    const record = await cache.get(engine, p.image)
    if (record?.digest === digest) {
      // the image is current; rewrite the context only if someone touched it since
      const intact = record.contextRoot === p.plan.root && sameListing(record.contextListing, await listWrittenContext(p.plan.root))
      if (!intact) await writeBuildContext(p.plan, req.env, {offThread: true})
      return {outcome: 'up to date', digest}
    }
  }
  await writeBuildContext(p.plan, req.env, {offThread: true})
  return {digest}
}

/** The worker's part: the engine (or the host builder), its result and the cache record. */
async function finishBuild(p: PreparedBuild, stage: StagedBuild, req: BuildRequest, cache: BuildCache, engine: ContainerEngine): Promise<BuildOutcome> {
  const {progress} = req
  const name = p.fn.name
  if (stage.outcome === 'shrinkwrapped') {
    progress.message(name, `${name} shrink-wrapped to build/${name}`)
    return 'shrinkwrapped'
  }
  if (stage.outcome === 'up to date') {
    progress.result(name, `Image: ${p.image} built. (up to date)`)
    return 'up to date'
  }
  if (req.builder === 'host') {
    progress.message(name, `Building: ${p.image} on the host with ${p.lang} template. Please wait..`)
    const buildArgs = Object.fromEntries(p.flags.buildArgs)
    await req.hostBuild!({cwd: req.cwd, fn: p.fn, image: p.image, template: p.template, contextDir: p.plan.root, buildArgs, noCache: req.noCache || req.force, env: req.env ?? process.env, progress})
    progress.result(name, `Image: ${p.image} built.`)
    return 'built'
  }

  progress.message(name, `Building: ${p.image} with ${p.lang} template. Please wait..`)
  progress.log(`Build flags: [${p.argv.join(' ')}]`)
  const result = await runEngine(engine, p.argv, {
    cwd: p.plan.root,
    baseEnv: req.env,
    env: p.env,
    onLine: (line) => progress.output(name, line),
  })
  if (result.exitCode !== 0) {
    await cache.delete(engine, p.image)
    const output = (result.stderr || result.stdout).trim()
    throw new FaasError(`[${name}] received non-zero exit code from build, error: ${output || `exit code ${result.exitCode}`}`, {hint: engineHint(engine, output)})
  }
  await cache.set({
    image: p.image,
    engine,
    digest: stage.digest!,
    builtAt: new Date().toISOString(),
    contextRoot: p.plan.root,
    contextListing: await listWrittenContext(p.plan.root),
  })
  progress.result(name, `Image: ${p.image} built.`)
  return 'built'
}

/** A hint for engine failures that are about the engine, not the function. */
export function engineHint(engine: ContainerEngine, output: string): string | undefined {
  if (/Cannot connect to the Docker daemon|docker daemon running|error during connect/i.test(output)) {
    return 'The docker daemon is not reachable: start it (systemctl start docker), or build with --engine podman or --builder host'
  }
  if (engine === 'podman' && /(unshare|newuidmap|cannot set up namespace|operation not permitted)/i.test(output)) {
    return 'podman could not set up its namespaces here: try BUILDAH_ISOLATION=chroot'
  }
  return undefined
}

/** faas-cli's error summary: `Errors received during build:\n- …`, as one FaasError. */
export function failureError(results: readonly {outcome: string; error?: string; hint?: string}[], what: string): FaasError | undefined {
  const failed = results.filter((r) => r.outcome === 'failed')
  if (!failed.length) return undefined
  const hints = [...new Set(failed.map((r) => r.hint).filter((h): h is string => Boolean(h)))]
  return new FaasError(`Errors received during ${what}:\n${failed.map((r) => `- ${r.error ?? 'failed'}`).join('\n')}`, {hint: hints.length ? hints.join('\n') : undefined})
}
