/**
 * The build pipeline's command-level services: each takes parsed flag values (and the loaded
 * stack), runs the pipeline and reports on stderr, so the command files stay one call long.
 */
import {FaasError} from '../errors.js'
import type {Stack, StackFunction} from '../stack/types.js'
import {buildFunctions, failureError, normaliseLang, type BuildFlagValues, type BuildRequest, type HostBuild} from './build.js'
import {requireEngine, resolveBuilder, type BuilderKind} from './engine.js'
import {parseTagFormat} from './image.js'
import {createProgress, PlainProgress, type Progress} from './progress.js'
import {publishFunctions} from './publish.js'
import {pushFunctions} from './push.js'
import {templateLookup, type TemplateLookup} from './templates.js'

/** The [BUILD] flag values as oclif parses them (names as in src/flags.ts). */
export interface BuildFlagInput {
  image: string
  handler: string
  name: string
  lang: string
  'no-cache': boolean
  squash: boolean
  parallel: number
  shrinkwrap: boolean
  'build-arg': string[]
  'build-option': string[]
  'build-label': string[]
  'copy-extra': string[]
  quiet: boolean
  'disable-stack-pull': boolean
  pull: boolean
  debug: boolean
  overwrite: boolean
  tag: string
  engine?: string
  builder?: string
  force?: boolean
}

export interface CommandContext {
  cwd: string
  env: NodeJS.ProcessEnv
  /** Where progress goes (stderr). */
  stream: NodeJS.WritableStream & {isTTY?: boolean; columns?: number}
  /** Where results go (`Image: … built.`; stdout for build, publish and up; default: `stream`). */
  out?: NodeJS.WritableStream
  /** Test seam: template lookup (default: the templates module). */
  templates?: TemplateLookup
  /** Test seam / wiring: the host builder. */
  hostBuild?: HostBuild
}

export function buildFlagValues(flags: BuildFlagInput): BuildFlagValues {
  return {
    tag: parseTagFormat(flags.tag),
    buildArgs: flags['build-arg'],
    buildOptions: flags['build-option'],
    buildLabels: flags['build-label'],
    copyExtra: flags['copy-extra'],
    noCache: flags['no-cache'],
    squash: flags.squash,
    pull: flags.pull,
    quiet: flags.quiet,
  }
}

export function checkParallel(parallel: number): void {
  if (!Number.isInteger(parallel) || parallel < 1) throw new FaasError('The --parallel flag must be greater than 0', {hint: 'e.g. --parallel 4'})
}

/**
 * The functions a build works on: the stack's, or one function from
 * `--image/--handler/--name/--lang` when there is no stack file.
 */
export function functionsFromFlags(stack: Stack | undefined, flags: Pick<BuildFlagInput, 'image' | 'handler' | 'name' | 'lang'>): {functions: StackFunction[]; flagsOnly: boolean} {
  if (stack) return {functions: stack.functions, flagsOnly: false}
  const hint = 'Give a stack file with -f, or all of --image, --handler, --name and --lang'
  if (!flags.image) throw new FaasError('please provide a valid --image name for your Docker image', {hint})
  if (!flags.handler) throw new FaasError('please provide the full path to your function\'s handler', {hint})
  if (!flags.name) throw new FaasError('please provide the deployed --name of your function', {hint})
  return {functions: [{name: flags.name, image: flags.image, handler: flags.handler, lang: normaliseLang(flags.lang) || undefined}], flagsOnly: true}
}

/** The local runtime's host builder (src/local/host-builder.ts) as the build service calls it. */
export const hostBuild: HostBuild = async ({fn, image, template, contextDir, buildArgs, noCache, env, progress}) => {
  const {buildOnHost} = await import('../local/host-builder.js')
  const result = await buildOnHost({
    contextDir, image, host: template?.spec.host, functionName: fn.name, lang: fn.lang, handlerFolder: template?.spec.handler_folder, buildArgs, env, noCache,
    onOutput: (line) => progress.output(fn.name, line),
  })
  for (const warning of result.warnings) progress.log(`${fn.name}: ${warning}`)
  if (result.cached) progress.message(fn.name, `${fn.name}: reused an identical earlier host build`)
}

export async function resolveTemplates(
  ctx: CommandContext,
  flags: Pick<BuildFlagInput, 'disable-stack-pull' | 'overwrite' | 'debug'>,
  log?: (line: string) => void,
): Promise<TemplateLookup> {
  return ctx.templates ?? templateLookup({
    cwd: ctx.cwd,
    allowPull: true,
    disableStackPull: flags['disable-stack-pull'],
    overwrite: flags.overwrite,
    debug: flags.debug,
    env: ctx.env,
    log,
  })
}

/** Everything `buildFunctions` needs, from flags and the stack. */
export async function buildRequest(
  ctx: CommandContext,
  stack: Stack | undefined,
  flags: BuildFlagInput,
  progress: Progress,
  opts: {allowHost?: boolean; builder?: BuilderKind} = {},
): Promise<BuildRequest> {
  checkParallel(flags.parallel)
  const {functions} = functionsFromFlags(stack, flags)
  const values = buildFlagValues(flags)
  const builder = opts.builder ?? (flags.shrinkwrap ? 'docker' : await resolveBuilder({builder: flags.builder, engine: flags.engine, env: ctx.env, allowHost: opts.allowHost ?? true}))
  return {
    ...values,
    cwd: ctx.cwd,
    functions,
    stack,
    shrinkwrap: flags.shrinkwrap,
    force: flags.force,
    parallel: flags.parallel,
    builder,
    templates: await resolveTemplates(ctx, flags, (line) => progress.log(line)),
    progress,
    env: ctx.env,
    hostBuild: ctx.hostBuild ?? hostBuild,
  }
}

/** `faas build`. */
export async function buildCommand(ctx: CommandContext, stack: Stack | undefined, flags: BuildFlagInput): Promise<void> {
  const {rejectRemoteBuilder} = await import('./remote.js')
  rejectRemoteBuilder(undefined, ctx.env)
  checkParallel(flags.parallel)
  const {flagsOnly, functions} = functionsFromFlags(stack, flags)
  const progress = createProgress({stream: ctx.stream, out: ctx.out, quiet: flags.quiet, parallel: flags.parallel, framed: !flagsOnly, names: functions.map((f) => f.name)})
  const started = performance.now()
  let failure: FaasError | undefined
  try {
    const req = await buildRequest(ctx, stack, flags, progress)
    const results = await buildFunctions(req)
    failure = failureError(results, 'build')
  } finally {
    progress.close(flagsOnly ? undefined : `\nTotal build time: ${((performance.now() - started) / 1000).toFixed(2)}s`)
  }
  if (failure) throw failure
}

export interface PushFlagInput {
  parallel: number
  tag: string
  quiet: boolean
  engine?: string
}

/** `faas push`. */
export async function pushCommand(ctx: CommandContext, stack: Stack | undefined, flags: PushFlagInput): Promise<void> {
  if (!stack) throw new FaasError('you must supply a valid YAML file', {hint: 'Give the stack file with -f stack.yaml'})
  checkParallel(flags.parallel)
  const engine = await resolveBuilder({engine: flags.engine, env: ctx.env, allowHost: false})
  if (engine === 'host') throw new FaasError('push needs a container engine')
  const progress = createProgress({stream: ctx.stream, quiet: flags.quiet, parallel: flags.parallel, names: stack.functions.map((f) => f.name)})
  let failure: FaasError | undefined
  try {
    const results = await pushFunctions({
      cwd: ctx.cwd, functions: stack.functions, tag: parseTagFormat(flags.tag), parallel: flags.parallel, quiet: flags.quiet, engine, progress, env: ctx.env,
    })
    failure = failureError(results, 'push')
  } finally {
    progress.close()
  }
  if (failure) throw failure
}

export interface PublishFlagInput extends BuildFlagInput {
  platforms: string
  'extra-tag': string[]
  'reset-qemu': boolean
}

/** `faas publish`. */
export async function publishCommand(ctx: CommandContext, stack: Stack | undefined, flags: PublishFlagInput): Promise<void> {
  if (!stack) throw new FaasError('--yaml or -f is required', {hint: 'publish works on a stack file: faas publish -f stack.yaml'})
  checkParallel(flags.parallel)
  const engine = await resolveBuilder({engine: flags.engine ?? flags.builder, env: ctx.env, allowHost: false})
  if (engine === 'host') throw new FaasError('publish needs a container engine')
  await requireEngine(engine, ctx.env)
  const progress = createProgress({stream: ctx.stream, out: ctx.out, quiet: flags.quiet, parallel: flags.parallel, names: stack.functions.map((f) => f.name)})
  let failure: FaasError | undefined
  try {
    const req = await buildRequest(ctx, stack, flags, progress, {builder: engine})
    const results = await publishFunctions({
      ...req, engine, platforms: flags.platforms, extraTags: flags['extra-tag'], resetQemu: flags['reset-qemu'],
    })
    failure = failureError(results, 'publish')
  } finally {
    progress.close()
  }
  if (failure) throw failure
}

export interface GenerateFlagInput {
  api: string
  namespace: string
  tag: string
  'from-store'?: string
  name?: string
  arch: string
  annotation: string[]
  label: string[]
}

export const NO_STACK_FOR_GENERATE = 'No "stack.yaml" or "stack.yml" file was found in the current directory.\nUse "--yaml" to pass a file or "--from-store" to generate using function store.'

/** `faas generate`: the manifests' YAML text (for stdout). */
export async function generateCommand(
  ctx: Pick<CommandContext, 'cwd'> & {loadStore?: () => Promise<import('./generate.js').StoreFunctionLike[]>},
  stack: Stack | undefined,
  flags: GenerateFlagInput,
): Promise<string> {
  const {manifestFromStack, manifestFromStore, renderManifests} = await import('./generate.js')
  const {parseKeyValueFlags, functionEnvironment} = await import('../stack/merge.js')
  const tag = parseTagFormat(flags.tag)
  if (flags['from-store']) {
    if (tag === 'digest') throw new FaasError('--tag digest cannot be used with --from-store', {hint: 'Store images carry their own tags; use --tag latest'})
    if (!ctx.loadStore) throw new FaasError('the function store is not available in this build of faas')
    const wanted = flags['from-store']
    const items = await ctx.loadStore()
    const item = items.find((f) => f.name === wanted) ?? items.find((f) => f.title === wanted)
    if (!item) throw new FaasError(`Function '${wanted}' not found in the function store`, {hint: 'See the store with "faas store list"'})
    const fn = manifestFromStore(item, {
      arch: flags.arch,
      name: flags.name,
      labels: parseKeyValueFlags(flags.label, '--label'),
      annotations: parseKeyValueFlags(flags.annotation, '--annotation'),
    })
    const {imageReference} = await import('./image.js')
    const {readGitFacts} = await import('./git.js')
    fn.image = imageReference(fn.image, tag, await readGitFacts(tag, ctx.cwd))
    return renderManifests([fn], {api: flags.api, namespace: flags.namespace})
  }
  if (!stack) throw new FaasError(NO_STACK_FOR_GENERATE, {hint: 'faas generate -f stack.yaml > functions.yaml'})
  const {imageResolver} = await import('./build.js')
  const resolveImage = await imageResolver(tag, ctx.cwd)
  const manifests = []
  for (const fn of stack.functions) {
    manifests.push(manifestFromStack(fn, await resolveImage(fn), await functionEnvironment(fn, ctx.cwd)))
  }
  return renderManifests(manifests, {api: flags.api, namespace: flags.namespace})
}

export interface UpFlagInput extends BuildFlagInput {
  publish: boolean
  platforms: string
  'skip-push': boolean
  'skip-deploy': boolean
  watch: boolean
  'remote-builder'?: string
}

export interface UpWiring {
  /** Deploy these functions of `stack` (throws a FaasError when a deployment failed). */
  deploy: (stack: Stack, functions: readonly StackFunction[]) => Promise<void>
  /** Load the stack again (after the stack file changed, in --watch mode). */
  reloadStack: () => Promise<Stack | undefined>
  /** Absolute path of the stack file (watched in --watch mode). */
  stackFile?: string
  /** Stops --watch (SIGINT). */
  signal?: AbortSignal
  /** Test seam: the watch debounce in ms. */
  debounceMs?: number
  onWatchReady?: () => void
  /** Whether the target gateway is faas's embedded one (runs functions on the host). */
  targetRunsOnHost?: () => Promise<boolean>
  /** Fails when the gateway cannot be reached (asked before building, unless --skip-deploy). */
  requireGateway?: () => Promise<void>
}

/** `faas up`: build → push → deploy, then with --watch again for every change. */
export async function upCommand(ctx: CommandContext, stack: Stack | undefined, flags: UpFlagInput, wiring: UpWiring): Promise<void> {
  const {rejectRemoteBuilder} = await import('./remote.js')
  rejectRemoteBuilder(flags['remote-builder'], ctx.env)
  if (!stack) throw new FaasError('up needs a stack file', {hint: 'Pass -f stack.yaml, or run it in the folder that holds stack.yaml'})
  checkParallel(flags.parallel)
  // a missing gateway is said at once, not after building and pushing everything
  if (!flags['skip-deploy']) await wiring.requireGateway?.()
  const {runUp} = await import('./up.js')
  // Deploying to faas's embedded gateway: build on the host (a container image could not run
  // there), unless a builder or engine was asked for.
  const chooseHost = !flags.builder && !flags.engine && !ctx.env.OPENFAAS_CONTAINER_ENGINE && !flags.publish && !flags['skip-deploy'] &&
    (await wiring.targetRunsOnHost?.()) === true
  if (chooseHost) ctx.stream.write('The gateway runs functions on the host (faas gateway): building with the host builder.\n')
  const builder = chooseHost ? 'host' : await resolveBuilder({builder: flags.builder, engine: flags.engine, env: ctx.env, allowHost: !flags.publish})
  let names = stack.functions.map((f) => f.name)
  const makeProgress = () => createProgress({stream: ctx.stream, out: ctx.out, quiet: flags.quiet, parallel: flags.parallel, names})
  const templatesLookup = await resolveTemplates(ctx, flags, (line) => ctx.stream.write(`${line}\n`))

  const pass = async (current: Stack, functions: readonly StackFunction[]) => {
    const plain = new PlainProgress({stream: ctx.stream, parallel: 1, framed: false})
    const base = await buildRequest(ctx, {...current, functions: [...functions]}, flags, plain, {builder})
    await runUp({
      ...base,
      templates: templatesLookup,
      makeProgress,
      publish: flags.publish ? {platforms: flags.platforms, extraTags: []} : undefined,
      skipPush: flags['skip-push'],
      skipDeploy: flags['skip-deploy'],
      deploy: (fns) => wiring.deploy(current, fns),
    })
  }

  await pass(stack, stack.functions)
  if (!flags.watch) return

  const {watchFunctions, DEFAULT_DEBOUNCE_MS} = await import('./watch.js')
  let current = stack
  const log = (line: string) => ctx.stream.write(`${line}\n`)
  await watchFunctions({
    cwd: ctx.cwd,
    stackFile: wiring.stackFile,
    functions: current.functions,
    debounceMs: wiring.debounceMs ?? DEFAULT_DEBOUNCE_MS,
    signal: wiring.signal,
    log,
    onReady: wiring.onWatchReady,
    onChange: async ({functions, stackChanged}) => {
      if (stackChanged) {
        const reloaded = await wiring.reloadStack()
        if (!reloaded) throw new FaasError('the stack file is gone')
        current = reloaded
        names = current.functions.map((f) => f.name)
      }
      // a stack change may touch any function; unchanged ones are "up to date" (incremental build)
      const targets = stackChanged ? current.functions : current.functions.filter((f) => functions.includes(f.name))
      if (!targets.length) return current.functions
      log(`\nChange detected: rebuilding ${targets.map((f) => f.name).join(', ')}`)
      try {
        await pass(current, targets)
        log(`[${new Date().toLocaleTimeString()}] Watching for changes. Press Control+C to stop.`)
      } catch (error) {
        log(`Error: ${(error as Error).message}`)
      }
      return current.functions
    },
  })
}

export interface LocalRunFlagInput extends BuildFlagInput {
  print: boolean
  build: boolean
  port: number
  network: string
  env: string[]
  watch: boolean
}

export interface LocalRunWiring {
  signal?: AbortSignal
  out: (text: string) => void
  /** Runs the function without containers (the local runtime's host mode). */
  runOnHost?: (input: {
    functions: Array<{fn: StackFunction; image: string; env: Record<string, string>}>
    stack: Stack
    port: number
    signal?: AbortSignal
    watch?: boolean
    rebuild?: (names: string[]) => Promise<void>
  }) => Promise<void>
}

/**
 * `faas local-run [NAME]`: build the function (unless --build=false), then run it with the
 * container engine (§4.5), or on the host when the builder is `host` (no engine installed).
 */
export async function localRunCommand(ctx: CommandContext, stack: Stack | undefined, names: string[], flags: LocalRunFlagInput, wiring: LocalRunWiring): Promise<void> {
  const {localRunSpec, parseEnvPairs, pickLocalFunction, runLocalContainer} = await import('./local-run.js')
  const {freeLoopbackPort} = await import('../util/ports.js')
  const {functionEnvironment} = await import('../stack/merge.js')
  if (!stack) throw new FaasError('local-run needs a stack file', {hint: 'Pass -f stack.yaml, or run it in the folder that holds stack.yaml'})
  const builder = await resolveBuilder({builder: flags.builder, engine: flags.engine, env: ctx.env, allowHost: true})
  if (names.length > 1 && builder !== 'host') {
    throw new FaasError(`${builder} mode runs one function at a time, got ${names.length}: ${names.join(' ')}`, {hint: 'Run one local-run per function, or use --builder host to run several behind one port.'})
  }
  const selected = names.length ? names.map((n) => pickLocalFunction(stack.functions, n)) : [pickLocalFunction(stack.functions, undefined)]
  const fn = selected[0]
  const chosen: Stack = {...stack, functions: selected}
  const extraEnv = parseEnvPairs(flags.env)
  const environment = await functionEnvironment(fn, ctx.cwd, extraEnv)
  const port = flags.port === 0 ? await freeLoopbackPort() : flags.port
  const log = (line: string) => ctx.stream.write(`${line}\n`)

  const build = async (only?: string[]) => {
    if (!flags.build) return
    const functions = chosen.functions.filter((f) => !f.skip_build && (!only || only.includes(f.name)))
    if (!functions.length) return
    const progress = createProgress({stream: ctx.stream, quiet: flags.quiet, parallel: 1})
    const req = await buildRequest(ctx, {...chosen, functions}, {...flags, parallel: 1}, progress, {builder})
    const results = await buildFunctions(req)
    progress.close()
    const failure = failureError(results, 'build')
    if (failure) throw failure
  }

  const {imageResolver} = await import('./build.js')
  const resolveImage = await imageResolver(parseTagFormat(flags.tag), ctx.cwd)

  if (builder === 'host') {
    if (!wiring.runOnHost) {
      throw new FaasError('no container engine found, and running functions on the host is not available in this build of faas', {
        hint: 'Install docker or podman (apt-get install podman)',
      })
    }
    await build()
    // Ctrl-C while building: start nothing
    if (wiring.signal?.aborted) return
    const functions = await Promise.all(chosen.functions.map(async (f) => ({
      fn: f,
      image: await resolveImage(f),
      env: f === fn ? environment : await functionEnvironment(f, ctx.cwd, extraEnv),
    })))
    await wiring.runOnHost({functions, stack: chosen, port, signal: wiring.signal, watch: flags.watch, rebuild: (changed) => build(changed)})
    return
  }

  // faas-cli builds first, also for --print (the template, and so fprocess, may be pulled by it)
  await build()
  const image = await resolveImage(fn)
  const spec = await localRunSpec({cwd: ctx.cwd, fn, image, port, network: flags.network, environment, warn: log})
  const run = (signal?: AbortSignal) => runLocalContainer({cwd: ctx.cwd, engine: builder, spec, print: flags.print, log, out: wiring.out, signal, env: ctx.env})

  if (!flags.watch || flags.print) {
    const code = await run(wiring.signal)
    if (code !== 0 && !wiring.signal?.aborted) throw new FaasError(`${builder} run exited with code ${code}`)
    return
  }

  // --watch: run, and on every change rebuild and restart the container
  const {watchFunctions, DEFAULT_DEBOUNCE_MS} = await import('./watch.js')
  let container = new AbortController()
  let running = run(container.signal)
  wiring.signal?.addEventListener('abort', () => container.abort(), {once: true})
  await watchFunctions({
    cwd: ctx.cwd,
    functions: [fn],
    debounceMs: DEFAULT_DEBOUNCE_MS,
    signal: wiring.signal,
    log,
    onChange: async () => {
      log(`\nChange detected: rebuilding ${fn.name}`)
      try {
        await build([fn.name])
      } catch (error) {
        log(`Error: ${(error as Error).message}`)
        return
      }
      container.abort()
      await running.catch(() => 0)
      container = new AbortController()
      running = run(container.signal)
    },
  })
  container.abort()
  await running.catch(() => 0)
}
