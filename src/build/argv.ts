/**
 * Container-engine command lines as data (spec §4.2–§4.5). Pure functions: `engine.ts` runs
 * what these return. Podman takes the same argv as docker except where noted.
 */

export type ContainerEngine = 'docker' | 'podman'

export interface BuildFlagsSpec {
  noCache?: boolean
  squash?: boolean
  /** `http_proxy` / `https_proxy` of the environment, forwarded as build args when set. */
  httpProxy?: string
  httpsProxy?: string
  /** Build args in order; ADDITIONAL_PACKAGE included (see options.finalBuildArgs). */
  buildArgs: Array<[string, string]>
  labels: Array<[string, string]>
  pull?: boolean
}

export interface BuildSpec extends BuildFlagsSpec {
  engine: ContainerEngine
  image: string
  /** Build secrets: id → absolute path of the file. */
  secrets?: Array<[string, string]>
  /** Podman only: `--isolation=<value>` (chroot, oci, rootless). */
  isolation?: string
}

/** The flags between the subcommand and `--tag`, shared by build and buildx build (§4.2, §4.4). */
export function buildFlagSlice(spec: BuildFlagsSpec): string[] {
  const args: string[] = []
  if (spec.noCache) args.push('--no-cache')
  if (spec.squash) args.push('--squash')
  if (spec.httpProxy) args.push('--build-arg', `http_proxy=${spec.httpProxy}`)
  if (spec.httpsProxy) args.push('--build-arg', `https_proxy=${spec.httpsProxy}`)
  for (const [k, v] of spec.buildArgs) args.push('--build-arg', `${k}=${v}`)
  for (const [k, v] of spec.labels) args.push('--label', `${k}=${v}`)
  if (spec.pull) args.push('--pull')
  return args
}

function secretArgs(secrets: Array<[string, string]> | undefined): string[] {
  return (secrets ?? []).flatMap(([id, src]) => ['--secret', `id=${id},src=${src}`])
}

/** `docker build [flags] --tag <image> . [--secret …]` — run with cwd = build/<fn>. */
export function buildArgv(spec: BuildSpec): string[] {
  const args = ['build']
  if (spec.engine === 'podman' && spec.isolation) args.push(`--isolation=${spec.isolation}`)
  args.push(...buildFlagSlice(spec), '--tag', spec.image, '.', ...secretArgs(spec.secrets))
  return args
}

/** Extra environment for a build: BuildKit is switched on for ssh mounts and build secrets. */
export function buildEnv(engine: ContainerEngine, opts: {mountSsh?: boolean; hasSecrets?: boolean}): Record<string, string> {
  if (engine === 'docker' && (opts.mountSsh || opts.hasSecrets)) return {DOCKER_BUILDKIT: '1'}
  return {}
}

/** `docker push <image> [--quiet]`; podman may add `--tls-verify=false` for plain-http registries. */
export function pushArgv(engine: ContainerEngine, image: string, opts: {quiet?: boolean; tlsVerify?: boolean} = {}): string[] {
  const args = ['push', image]
  if (opts.quiet) args.push('--quiet')
  if (engine === 'podman' && opts.tlsVerify === false) args.push('--tls-verify=false')
  return args
}

export const QEMU_RESET_ARGV = ['run', '--rm', '--privileged', 'multiarch/qemu-user-static', '--reset', '-p', 'yes']
export const BUILDX_CREATE_ARGV = ['buildx', 'create', '--use', '--name=multiarch', '--node=multiarch']
export const BUILDX_VERSION_ARGV = ['buildx', 'version']

export interface PublishSpec extends BuildFlagsSpec {
  image: string
  platforms: string
  /** Full extra image references (repo:extra). */
  extraImages: string[]
  secrets?: Array<[string, string]>
}

/** `docker buildx build --progress=plain --platform=… --output=type=registry,push=true … --tag <image> . [--tag …]` (§4.4). */
export function buildxPublishArgv(spec: PublishSpec): string[] {
  return [
    'buildx', 'build', '--progress=plain', `--platform=${spec.platforms}`, '--output=type=registry,push=true',
    ...buildFlagSlice(spec), '--tag', spec.image, '.',
    ...spec.extraImages.flatMap((t) => ['--tag', t]),
    ...secretArgs(spec.secrets),
  ]
}

/**
 * Podman's multi-arch publish: build every platform into a manifest list named after the image,
 * then push the list (and each extra tag) with all its images.
 */
export function podmanPublishArgvs(spec: PublishSpec & {isolation?: string; tlsVerify?: boolean}): string[][] {
  const build = ['build']
  if (spec.isolation) build.push(`--isolation=${spec.isolation}`)
  build.push(`--platform=${spec.platforms}`, '--manifest', spec.image, ...buildFlagSlice(spec), '.', ...secretArgs(spec.secrets))
  const tls = spec.tlsVerify === false ? ['--tls-verify=false'] : []
  const pushes = [spec.image, ...spec.extraImages].map((target) => ['manifest', 'push', '--all', ...tls, spec.image, `docker://${target}`])
  return [['manifest', 'rm', spec.image], build, ...pushes]
}

export interface RunSpec {
  name: string
  image: string
  port: number
  network?: string
  /** Environment in the order to pass it. */
  env: Array<[string, string]>
  readOnly?: boolean
  memoryBytes?: number
  cpus?: string
  secretsDir?: string
  fprocess?: string
}

/** `docker rm -f <name>` — local-run clears a previous container first (§4.5). */
export function removeContainerArgv(name: string): string[] {
  return ['rm', '-f', name]
}

/** `docker run --name … --rm -i -p=<port>:8080 …` (§4.5). */
export function runArgv(spec: RunSpec): string[] {
  const args = ['run', '--name', spec.name, '--rm', '-i', `-p=${spec.port}:8080`]
  if (spec.network) args.push(`--network=${spec.network}`)
  for (const [k, v] of spec.env) args.push(`-e=${k}=${v}`)
  if (spec.readOnly) args.push('--read-only')
  if (spec.memoryBytes !== undefined) args.push(`--memory-reservation=${spec.memoryBytes}`)
  if (spec.cpus !== undefined) args.push(`--cpus=${spec.cpus}`)
  if (spec.secretsDir) args.push(`--volume=${spec.secretsDir}:/var/openfaas/secrets`)
  if (spec.fprocess) args.push(`-e=fprocess=${spec.fprocess}`)
  args.push(spec.image)
  return args
}

/** Render an argv as one shell-safe line (for `--print` and error messages). */
export function shellLine(command: string, args: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)
  return [command, ...args].map(quote).join(' ')
}
