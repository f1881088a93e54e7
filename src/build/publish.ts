/**
 * The publish service (spec §4.4): multi-arch build and push in one step — `docker buildx build
 * --platform=… --output=type=registry,push=true`, or with podman a manifest list built for
 * every platform and pushed with `podman manifest push --all`.
 */
import {FaasError, errorMessage} from '../errors.js'
import {
  BUILDX_CREATE_ARGV, BUILDX_VERSION_ARGV, QEMU_RESET_ARGV, buildxPublishArgv, podmanPublishArgvs, shellLine,
  type ContainerEngine,
} from './argv.js'
import {imageResolver, normaliseLang, prepareBuild, type BuildRequest, type FunctionBuildResult} from './build.js'
import {writeBuildContext} from './context.js'
import {BUILDX_HINT, runEngine} from './engine.js'
import {retagImage} from './image.js'
import {runWorkers} from './pool.js'
import {podmanTlsVerify} from './push.js'

export interface PublishRequest extends Omit<BuildRequest, 'builder' | 'shrinkwrap' | 'force' | 'hostBuild' | 'cache'> {
  engine: ContainerEngine
  platforms: string
  extraTags: readonly string[]
  resetQemu?: boolean
}

async function setUpBuildx(req: PublishRequest): Promise<void> {
  const {progress} = req
  if (req.resetQemu) {
    const r = await runEngine('docker', QEMU_RESET_ARGV, {cwd: req.cwd, baseEnv: req.env, onLine: (l) => progress.output('qemu', l)})
    if (r.exitCode !== 0) throw new FaasError(`non-zero exit code: ${r.exitCode}, stderr: ${r.stderr.trim()}`, {hint: 'Resetting qemu needs a docker daemon that can run privileged containers'})
    progress.log('Ran qemu-user-static --reset. OK.')
  }
  const r = await runEngine('docker', BUILDX_CREATE_ARGV, {cwd: req.cwd, baseEnv: req.env, env: {DOCKER_CLI_EXPERIMENTAL: 'enabled'}})
  if (r.exitCode !== 0) {
    // tell a missing plugin apart from other failures
    const v = await runEngine('docker', BUILDX_VERSION_ARGV, {cwd: req.cwd, baseEnv: req.env})
    if (v.exitCode !== 0) throw new FaasError(`docker buildx is not available: ${(v.stderr || v.stdout).trim().split('\n')[0]}`, {hint: BUILDX_HINT})
    throw new FaasError(`non-zero exit code: ${r.exitCode}, stderr: ${r.stderr.trim()}`)
  }
  progress.log('Created buildx node: "multiarch"')
}

export async function publishFunctions(req: PublishRequest): Promise<FunctionBuildResult[]> {
  if (!Number.isInteger(req.parallel) || req.parallel < 1) throw new FaasError('The --parallel flag must be greater than 0')
  const {progress} = req
  const env = req.env ?? process.env
  const results: FunctionBuildResult[] = []
  const toPublish = req.functions.filter((fn) => {
    if (fn.skip_build) {
      progress.log(`Skipping build of: ${fn.name}.`)
      results.push({name: fn.name, outcome: 'skipped', seconds: 0})
      return false
    }
    if (!fn.lang) {
      progress.log(`Please provide a valid language for your function: ${fn.name}.`)
      results.push({name: fn.name, outcome: 'skipped', seconds: 0})
      return false
    }
    return true
  })
  if (!toPublish.length) return results

  await req.templates.ensure(toPublish.map((f) => ({...f, lang: normaliseLang(f.lang)})), req.stack)
  if (req.engine === 'docker') await setUpBuildx(req)
  else if (req.resetQemu) progress.log('--reset-qemu applies to docker only; podman uses the host\'s qemu-user-static binfmt handlers')
  const resolveImage = await imageResolver(req.tag, req.cwd)
  const buildReq: BuildRequest = {...req, builder: req.engine}

  const published = await runWorkers(toPublish, req.parallel, async (fn, worker) => {
    const started = performance.now()
    const seconds = () => (performance.now() - started) / 1000
    progress.start({name: fn.name, worker, verb: 'Publishing'})
    let image: string | undefined
    try {
      const p = await prepareBuild(fn, buildReq, resolveImage, req.engine)
      image = p.image
      await writeBuildContext(p.plan, env, {offThread: true})
      const extraImages = req.extraTags.map((t) => retagImage(p.image, t))
      const spec = {...p.flags, image: p.image, platforms: req.platforms, extraImages, secrets: p.secrets}
      const argvs = req.engine === 'docker'
        ? [buildxPublishArgv(spec)]
        : podmanPublishArgvs({...spec, isolation: env.BUILDAH_ISOLATION || undefined, tlsVerify: podmanTlsVerify(env)})
      for (const [i, argv] of argvs.entries()) {
        // podman: the first command clears a manifest list left by an earlier run; it may not exist
        const bestEffort = req.engine === 'podman' && i === 0
        if (!bestEffort) progress.message(fn.name, `Publishing with command: ${req.engine} [${argv.join(' ')}]`)
        const r = await runEngine(req.engine, argv, {cwd: p.plan.root, baseEnv: env, onLine: (l) => progress.output(fn.name, l)})
        if (r.exitCode !== 0 && !bestEffort) {
          throw new FaasError(`[${fn.name}] received non-zero exit code from ${shellLine(req.engine, argv.slice(0, 2))}, error: ${(r.stderr || r.stdout).trim()}`)
        }
      }
      progress.result(fn.name, `Image: ${p.image} built and pushed.`)
      progress.end(fn.name, 'done', seconds())
      return {name: fn.name, image, outcome: 'built', seconds: seconds(), contextDir: p.plan.root} satisfies FunctionBuildResult
    } catch (error) {
      progress.end(fn.name, 'failed', seconds())
      return {name: fn.name, image, outcome: 'failed', seconds: seconds(), error: errorMessage(error)} satisfies FunctionBuildResult
    }
  }, (w) => progress.workerDone(w))
  return [...results, ...published]
}
