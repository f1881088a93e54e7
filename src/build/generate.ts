/**
 * `faas generate` (spec §4.6): Kubernetes manifests for stack (or store) functions — OpenFaaS
 * `Function` custom resources (openfaas.com/v1) or Knative `Service`s (serving.knative.dev/v1).
 */
import {FaasError} from '../errors.js'
import type {FunctionResources, StackFunction} from '../stack/types.js'

export const API_OPENFAAS = 'openfaas.com/v1'
export const API_KNATIVE = 'serving.knative.dev/v1'

/** A function as the manifests need it: the environment already merged (env files included). */
export interface ManifestFunction {
  name: string
  image: string
  environment: Record<string, string>
  labels?: Record<string, string>
  annotations?: Record<string, string>
  limits?: FunctionResources
  requests?: FunctionResources
  constraints?: string[]
  secrets?: string[]
  readOnlyRootFilesystem?: boolean
}

function nonEmpty<T extends object>(value: T | undefined): T | undefined {
  if (!value) return undefined
  return Object.keys(value).length ? value : undefined
}

function sortedMap(map: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!map || !Object.keys(map).length) return undefined
  return Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]]))
}

/** `memory` and `cpu` always (faas-cli prints `cpu: ""`), then any other resource. */
function resources(r: FunctionResources | undefined): Record<string, string> | undefined {
  if (!r) return undefined
  const out: Record<string, string> = {memory: r.memory ?? '', cpu: r.cpu ?? ''}
  for (const [k, v] of Object.entries(r)) if (k !== 'memory' && k !== 'cpu' && v !== undefined) out[k] = v
  return out
}

function dropUndefined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined))
}

export function functionResource(fn: ManifestFunction, namespace: string): Record<string, unknown> {
  return {
    apiVersion: API_OPENFAAS,
    kind: 'Function',
    metadata: dropUndefined({name: fn.name, namespace: namespace || undefined}),
    spec: dropUndefined({
      name: fn.name,
      image: fn.image,
      environment: sortedMap(fn.environment),
      labels: sortedMap(fn.labels),
      annotations: sortedMap(fn.annotations),
      limits: resources(fn.limits),
      requests: resources(fn.requests),
      constraints: fn.constraints?.length ? fn.constraints : undefined,
      secrets: fn.secrets?.length ? fn.secrets : undefined,
      readOnlyRootFilesystem: fn.readOnlyRootFilesystem || undefined,
    }),
  }
}

export function knativeService(fn: ManifestFunction, namespace: string): Record<string, unknown> {
  const env = Object.keys(fn.environment).sort().map((name) => ({name, value: fn.environment[name]}))
  const secrets = fn.secrets ?? []
  const container = dropUndefined({
    image: fn.image,
    env: env.length ? env : undefined,
    volumeMounts: secrets.length ? secrets.map((s) => ({name: s, mountPath: `/var/openfaas/secrets/${s}`, readOnly: true})) : undefined,
  })
  return {
    apiVersion: API_KNATIVE,
    kind: 'Service',
    metadata: dropUndefined({name: fn.name, namespace: namespace || undefined, annotations: sortedMap(nonEmpty(fn.annotations))}),
    spec: {
      template: {
        spec: dropUndefined({
          containers: [container],
          volumes: secrets.length ? secrets.map((s) => ({name: s, secret: {secretName: s}})) : undefined,
        }),
      },
    },
  }
}

/** All documents, sorted by function name, each opened with `---`. */
export async function renderManifests(functions: readonly ManifestFunction[], opts: {api: string; namespace: string}): Promise<string> {
  const render = opts.api === API_OPENFAAS ? functionResource : opts.api === API_KNATIVE ? knativeService : undefined
  if (!render) throw new FaasError(`unsupported --api "${opts.api}"`, {hint: `Use --api ${API_OPENFAAS} (the default) or --api ${API_KNATIVE}`})
  const {loadYaml} = await import('../util/yaml.js')
  const YAML = await loadYaml()
  const docs = [...functions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((fn) => {
    const body = YAML.stringify(render(fn, opts.namespace), {indent: 2, indentSeq: true, lineWidth: 0, minContentWidth: 0})
    return `---\n${body}`
  })
  return docs.join('')
}

/** A stack function → manifest input (environment = environment ← environment_file, image by --tag). */
export function manifestFromStack(fn: StackFunction, image: string, environment: Record<string, string>): ManifestFunction {
  return {
    name: fn.name,
    image,
    environment,
    labels: fn.labels,
    annotations: fn.annotations,
    limits: fn.limits,
    requests: fn.requests,
    constraints: fn.constraints,
    secrets: fn.secrets,
    readOnlyRootFilesystem: fn.readonly_root_filesystem,
  }
}

/** The fields of a function-store entry generate uses. */
export interface StoreFunctionLike {
  name: string
  title?: string
  fprocess?: string
  images?: Record<string, string>
  environment?: Record<string, string> | null
  labels?: Record<string, string> | null
  annotations?: Record<string, string> | null
  readOnlyRootFilesystem?: boolean
}

/**
 * A store function → manifest input: image for `arch`, fprocess added to the environment,
 * store labels/annotations with the flag values over them, optional new name.
 */
export function manifestFromStore(
  item: StoreFunctionLike,
  opts: {arch: string; name?: string; labels?: Record<string, string>; annotations?: Record<string, string>},
): ManifestFunction {
  const image = item.images?.[opts.arch]
  if (!image) {
    const available = Object.keys(item.images ?? {}).join(', ')
    throw new FaasError(`Function '${item.name}' has no image for architecture '${opts.arch}'`, {hint: available ? `Use --arch with one of: ${available}` : undefined})
  }
  const environment = {...(item.environment ?? {})}
  if (item.fprocess) environment.fprocess = item.fprocess
  return {
    name: opts.name || item.name,
    image,
    environment,
    labels: {...(item.labels ?? {}), ...(opts.labels ?? {})},
    annotations: {...(item.annotations ?? {}), ...(opts.annotations ?? {})},
    readOnlyRootFilesystem: item.readOnlyRootFilesystem,
  }
}
