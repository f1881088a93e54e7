/**
 * The push service (spec §4.3): `docker push <image>` (or podman) for every stack function,
 * after checking that every image names an account or registry. Parallel, errors collected.
 */
import {FaasError, errorMessage} from '../errors.js'
import type {StackFunction} from '../stack/types.js'
import {pushArgv, shellLine, type ContainerEngine} from './argv.js'
import {imageResolver} from './build.js'
import {runEngine} from './engine.js'
import {hasRegistryPrefix, type TagFormat} from './image.js'
import {runWorkers} from './pool.js'
import type {Progress} from './progress.js'

export interface PushRequest {
  cwd: string
  functions: readonly StackFunction[]
  tag: TagFormat
  parallel: number
  quiet?: boolean
  engine: ContainerEngine
  progress: Progress
  env?: NodeJS.ProcessEnv
}

export interface FunctionPushResult {
  name: string
  image?: string
  outcome: 'pushed' | 'skipped' | 'failed'
  seconds: number
  error?: string
}

/** Podman pushes to a plain-http registry only with `--tls-verify=false`: FAAS_PODMAN_TLS_VERIFY=false asks for it. */
export function podmanTlsVerify(env: NodeJS.ProcessEnv): boolean | undefined {
  const v = env.FAAS_PODMAN_TLS_VERIFY
  if (v === undefined || v === '') return undefined
  return !/^(false|0|no)$/i.test(v)
}

/** The registry-prefix check (faas-cli #326): images without `/` would be pushed to Docker Hub's library. */
export function checkRegistryPrefixes(functions: readonly StackFunction[]): void {
  const bad = functions.filter((f) => !f.skip_build && f.image && !hasRegistryPrefix(f.image)).map((f) => f.name)
  if (bad.length) {
    throw new FaasError(
      `Unable to push one or more of your functions to Docker Hub:\n${bad.map((n) => `- ${n}`).join('\n')}\n\nYou must provide a username or registry prefix to the Function's image such as user1/function1`,
      {hint: 'Prefix the image with your account or registry, e.g. image: ghcr.io/you/fn:latest'},
    )
  }
}

export async function pushFunctions(req: PushRequest): Promise<FunctionPushResult[]> {
  if (!Number.isInteger(req.parallel) || req.parallel < 1) throw new FaasError('The --parallel flag must be greater than 0')
  checkRegistryPrefixes(req.functions)
  const {progress} = req
  const env = req.env ?? process.env
  const resolveImage = await imageResolver(req.tag, req.cwd)
  const results: FunctionPushResult[] = []
  const toPush: StackFunction[] = []
  for (const fn of req.functions) {
    if (fn.skip_build) {
      progress.log(`Skipping ${fn.name}`)
      results.push({name: fn.name, outcome: 'skipped', seconds: 0})
    } else if (!fn.image) {
      progress.log(`Please provide a valid image value in the YAML file for function: ${fn.name}`)
      results.push({name: fn.name, outcome: 'skipped', seconds: 0})
    } else {
      toPush.push(fn)
    }
  }
  const pushed = await runWorkers(toPush, req.parallel, async (fn, worker) => {
    const started = performance.now()
    const seconds = () => (performance.now() - started) / 1000
    let image: string | undefined
    try {
      image = await resolveImage(fn)
      progress.start({name: fn.name, worker, verb: 'Pushing', detail: ` [${image}]`})
      const argv = pushArgv(req.engine, image, {quiet: req.quiet, tlsVerify: req.engine === 'podman' ? podmanTlsVerify(env) : undefined})
      const r = await runEngine(req.engine, argv, {cwd: req.cwd, baseEnv: env, onLine: (line) => progress.output(fn.name, line)})
      if (r.exitCode !== 0) {
        const tail = (r.stderr || r.stdout).trim().split('\n').slice(-3).join('\n')
        throw new FaasError(`ERROR - Could not execute command: [${shellLine(req.engine, argv)}]${tail ? `: ${tail}` : ''}`)
      }
      progress.end(fn.name, 'done', seconds())
      return {name: fn.name, image, outcome: 'pushed', seconds: seconds()} satisfies FunctionPushResult
    } catch (error) {
      progress.end(fn.name, 'failed', seconds())
      return {name: fn.name, image, outcome: 'failed', seconds: seconds(), error: errorMessage(error)} satisfies FunctionPushResult
    }
  }, (w) => progress.workerDone(w))
  return [...results, ...pushed]
}
