/**
 * `faas up`: build → push → deploy (or publish → deploy), optionally again on every change
 * (`--watch`), rebuilding only the functions whose folders changed. Deploying is the gateway
 * service's job; it is passed in as a function so this module stays free of HTTP.
 */
import {FaasError} from '../errors.js'
import type {StackFunction} from '../stack/types.js'
import type {ContainerEngine} from './argv.js'
import {buildFunctions, failureError, type BuildRequest, type FunctionBuildResult} from './build.js'
import {publishFunctions} from './publish.js'
import type {Progress} from './progress.js'
import {pushFunctions, type FunctionPushResult} from './push.js'

export interface UpRequest extends Omit<BuildRequest, 'progress'> {
  /** A fresh progress view for each stage. */
  makeProgress: (stage: 'build' | 'push' | 'publish') => Progress
  publish?: {platforms: string; extraTags: readonly string[]; resetQemu?: boolean}
  skipPush?: boolean
  skipDeploy?: boolean
  /** Deploy these functions (throws a FaasError when any deployment failed). */
  deploy: (functions: readonly StackFunction[]) => Promise<void>
}

export interface UpResult {
  built: FunctionBuildResult[]
  pushed: FunctionPushResult[]
  deployed: string[]
}

/** One pass of up over `req.functions`. Throws a FaasError on the first failing stage. */
export async function runUp(req: UpRequest): Promise<UpResult> {
  const result: UpResult = {built: [], pushed: [], deployed: []}
  if (req.publish) {
    if (req.builder === 'host') throw new FaasError('--publish needs a container engine (docker with buildx, or podman)', {hint: 'Install docker or podman, or drop --publish'})
    const progress = req.makeProgress('publish')
    result.built = await publishFunctions({...req, progress, engine: req.builder, platforms: req.publish.platforms, extraTags: req.publish.extraTags, resetQemu: req.publish.resetQemu})
    progress.close()
    const err = failureError(result.built, 'publish')
    if (err) throw err
  } else {
    const started = performance.now()
    const progress = req.makeProgress('build')
    result.built = await buildFunctions({...req, progress})
    progress.close(`\nTotal build time: ${((performance.now() - started) / 1000).toFixed(2)}s`)
    const err = failureError(result.built, 'build')
    if (err) throw err
    if (req.shrinkwrap) return result
    if (!req.skipPush) {
      const progress = req.makeProgress('push')
      if (req.builder === 'host') {
        progress.log('Skipping push: functions built on the host have no image to push.')
      } else {
        result.pushed = await pushFunctions({
          cwd: req.cwd,
          functions: req.functions,
          tag: req.tag,
          parallel: req.parallel,
          quiet: req.quiet,
          engine: req.builder as ContainerEngine,
          progress,
          env: req.env,
        })
        progress.close()
        const pushErr = failureError(result.pushed, 'push')
        if (pushErr) throw pushErr
      }
    }
  }
  if (!req.skipDeploy) {
    await req.deploy(req.functions)
    result.deployed = req.functions.map((f) => f.name)
  }
  return result
}
