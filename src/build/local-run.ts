/**
 * `faas local-run` in container mode (spec §4.5): run one function's image with the engine,
 * the way the gateway would (environment, secrets folder, read-only root, limits).
 */
import {FaasError} from '../errors.js'
import {DEFAULT_FUNCTION_NAMESPACE} from '../config/gateway.js'
import {isTemplateLang, templateFprocess} from '../gateway/deploy-spec.js'
import type {StackFunction} from '../stack/types.js'
import {localSecretsDir} from '../util/secret-files.js'
import {removeContainerArgv, runArgv, shellLine, type ContainerEngine, type RunSpec} from './argv.js'
import {runEngine} from './engine.js'

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
}

/** Docker refuses memory reservations below 6 MiB. */
export const MIN_MEMORY_BYTES = 6 * 2 ** 20

/** A Kubernetes memory quantity (`128Mi`, `1G`, `1000000`) in bytes. */
export function parseMemoryBytes(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kMGTPE]i?|)\s*$/.exec(value)
  if (!m || !(m[2] in MEMORY_UNITS)) throw new FaasError(`invalid memory quantity "${value}"`, {hint: 'Use e.g. 128Mi, 1Gi or 500M'})
  return Math.round(Number(m[1]) * MEMORY_UNITS[m[2]])
}

/** A Kubernetes CPU quantity (`500m`, `1`, `1.5`) as docker's `--cpus` value. */
export function parseCpus(value: string): string {
  const m = /^\s*(\d+(?:\.\d+)?)(m?)\s*$/.exec(value)
  if (!m) throw new FaasError(`invalid cpu quantity "${value}"`, {hint: 'Use e.g. 500m or 1'})
  const n = m[2] === 'm' ? Number(m[1]) / 1000 : Number(m[1])
  return String(Number(n.toFixed(3)))
}

export interface LocalRunSpecInput {
  cwd: string
  fn: StackFunction
  image: string
  port: number
  network?: string
  /** The function's merged environment (environment ← environment_file ← --env). */
  environment: Record<string, string>
  /** Warnings (e.g. memory raised to the minimum). */
  warn?: (text: string) => void
}

/** The variables a provider sets for every function; faas-cli's local-run sets them after the user's. */
const PROVIDER_VARIABLES = ['OPENFAAS_NAME', 'OPENFAAS_NAMESPACE', 'jwt_auth_local']

/**
 * Everything `docker run` needs for the function; checks that its secret files exist. The
 * environment keeps faas-cli's order (the function's environment, then OPENFAAS_NAME,
 * OPENFAAS_NAMESPACE and jwt_auth_local, which win over the same keys given by the user, as in
 * faas-cli), and fprocess is the function's or else its template's (`-e=fprocess=…` comes last).
 */
export async function localRunSpec(input: LocalRunSpecInput): Promise<RunSpec> {
  const {fn} = input
  const provider: Record<string, string> = {
    OPENFAAS_NAME: fn.name,
    OPENFAAS_NAMESPACE: fn.namespace || DEFAULT_FUNCTION_NAMESPACE,
    jwt_auth_local: 'true',
  }
  const env = [
    ...Object.entries(input.environment).filter(([k]) => !PROVIDER_VARIABLES.includes(k)),
    ...Object.entries(provider),
  ] satisfies Array<[string, string]>

  let memoryBytes: number | undefined
  if (fn.limits?.memory) {
    memoryBytes = parseMemoryBytes(fn.limits.memory)
    if (memoryBytes < MIN_MEMORY_BYTES) {
      input.warn?.(`memory limit ${fn.limits.memory} of ${fn.name} is below docker's minimum; using 6Mi`)
      memoryBytes = MIN_MEMORY_BYTES
    }
  }
  const cpus = fn.limits?.cpu ? parseCpus(fn.limits.cpu) : undefined

  const secretsDir = await localSecretsDir(input.cwd, fn.secrets ?? [])
  // a Dockerfile function's own image says what to run (faas-cli's deploy rule; its local-run
  // would fail here without ./template/dockerfile)
  const fprocess = fn.fprocess || (isTemplateLang(fn.lang) ? await templateFprocess(fn.lang, input.cwd, 'set "fprocess:" for the function in the stack file') : undefined)

  return {
    name: fn.name,
    image: input.image,
    port: input.port,
    network: input.network || undefined,
    env,
    readOnly: fn.readonly_root_filesystem || undefined,
    memoryBytes,
    cpus,
    secretsDir,
    fprocess,
  }
}

export interface DockerRunOptions {
  cwd: string
  engine: ContainerEngine
  spec: RunSpec
  /** Only print the command (after clearing an old container, as faas-cli does). */
  print?: boolean
  log: (text: string) => void
  out: (text: string) => void
  signal?: AbortSignal
  env?: NodeJS.ProcessEnv
}

/**
 * `docker rm -f <name>`, then `docker run …` in the foreground until it exits or the signal
 * fires; the container is removed again on the way out. Returns the engine's exit code.
 */
export async function runLocalContainer(opts: DockerRunOptions): Promise<number> {
  const {engine, spec} = opts
  await runEngine(engine, removeContainerArgv(spec.name), {cwd: opts.cwd, baseEnv: opts.env})
  const argv = runArgv(spec)
  if (opts.print) {
    opts.out(shellLine(engine, argv))
    return 0
  }
  opts.log(`Starting ${spec.name} on http://127.0.0.1:${spec.port} (${engine} ${argv.join(' ')})`)
  try {
    const r = await runEngine(engine, argv, {cwd: opts.cwd, baseEnv: opts.env, inherit: true, signal: opts.signal})
    return r.exitCode
  } catch (error) {
    if (opts.signal?.aborted) return 0
    throw error
  } finally {
    await runEngine(engine, removeContainerArgv(spec.name), {cwd: opts.cwd, baseEnv: opts.env}).catch(() => undefined)
  }
}

/** `-e/--env` values in Go's stringToString form: `K=V`, or several `K1=V1,K2=V2` in one value. */
export function parseEnvPairs(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const value of values) {
    let last: string | undefined
    for (const part of value.split(',')) {
      const eq = part.indexOf('=')
      if (eq > 0) {
        last = part.slice(0, eq)
        out[last] = part.slice(eq + 1)
      } else if (last !== undefined) {
        out[last] += `,${part}` // a comma inside a value
      } else {
        throw new FaasError(`--env "${value}" must have the form KEY=VALUE`, {hint: 'e.g. -e MODE=dev or -e A=1,B=2'})
      }
    }
  }
  return out
}

/** Which stack function local-run runs: the named one, or the only one. */
export function pickLocalFunction(functions: readonly StackFunction[], name: string | undefined): StackFunction {
  if (name) {
    const fn = functions.find((f) => f.name === name)
    if (!fn) throw new FaasError(`function ${name} is not in the stack file`, {hint: `Functions: ${functions.map((f) => f.name).join(', ') || '(none)'}`})
    return fn
  }
  if (functions.length === 1) return functions[0]
  if (!functions.length) throw new FaasError('no functions found in the stack file')
  throw new FaasError(`Give a function name to run: [${functions.map((f) => f.name).join(' ')}]`, {hint: `e.g. faas local-run ${functions[0].name}`})
}
