/**
 * The FunctionDeployment bodies `deploy` sends (spec §5.1 "Deploy body"): from a stack file with
 * every flag override and merge rule of §2, or from flags alone (`--image` + `--name`).
 */
import {existsSync} from 'node:fs'
import path from 'node:path'

import {FaasError} from '../errors.js'
import type {Stack, StackFunction} from '../stack/types.js'
import type {FunctionDeployment, FunctionResources} from './types.js'

export interface DeployFlagValues {
  env: string[]
  label: string[]
  annotation: string[]
  secret: string[]
  constraint: string[]
  readonly: boolean
  namespace: string
  tag: string
  readTemplate: boolean
  fprocess: string
  image: string
  name: string
  lang: string
  cpuRequest: string
  cpuLimit: string
  memoryRequest: string
  memoryLimit: string
}

export const DEFAULT_DEPLOY_FLAGS: DeployFlagValues = {
  env: [], label: [], annotation: [], secret: [], constraint: [], readonly: false, namespace: '', tag: 'latest',
  readTemplate: true, fprocess: '', image: '', name: '', lang: '', cpuRequest: '', cpuLimit: '', memoryRequest: '', memoryLimit: '',
}

/** A language that names a template (not empty, not `dockerfile`): its template.yml may set fprocess. */
export function isTemplateLang(lang: string | undefined): lang is string {
  return lang !== undefined && lang !== '' && lang.toLowerCase() !== 'dockerfile'
}

/**
 * The template's fprocess (`./template/<lang>/template.yml`), read when the function sets none and
 * its language is a template. A missing template is faas-cli's error, with what to do (`orElse`:
 * the command's own way around it, e.g. `deploy with --read-template=false`).
 */
export async function templateFprocess(lang: string, cwd: string, orElse = 'deploy with --read-template=false'): Promise<string | undefined> {
  const dir = path.join(cwd, 'template', lang)
  const file = path.join(dir, 'template.yml')
  if (!existsSync(file)) {
    throw new FaasError(`template directory may be missing or invalid, please run "faas-cli template pull": stat ./template/${lang}/template.yml: no such file or directory`, {
      hint: `Pull the template ("faas template store pull ${lang.split('@')[0]}" or "faas template pull"), or ${orElse}.`,
    })
  }
  const {readTemplateSpec} = await import('../templates/spec.js')
  return (await readTemplateSpec(dir)).fprocess || undefined
}

function resources(values: FunctionResources | undefined): FunctionResources | undefined {
  if (!values) return undefined
  const out: FunctionResources = {}
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') out[k] = v
  return Object.keys(out).length ? out : undefined
}

/** Only the fields faas-cli sends (Go omitempty), with labels and annotations always present. */
export function cleanDeployment(d: FunctionDeployment): FunctionDeployment {
  const out: FunctionDeployment = {service: d.service, image: d.image, labels: d.labels ?? {}, annotations: d.annotations ?? {}}
  if (d.namespace) out.namespace = d.namespace
  if (d.envProcess) out.envProcess = d.envProcess
  if (d.envVars && Object.keys(d.envVars).length) out.envVars = d.envVars
  if (d.constraints?.length) out.constraints = d.constraints
  if (d.secrets?.length) out.secrets = d.secrets
  const limits = resources(d.limits)
  if (limits) out.limits = limits
  const requests = resources(d.requests)
  if (requests) out.requests = requests
  if (d.readOnlyRootFilesystem) out.readOnlyRootFilesystem = true
  // keep faas-cli's key order on the wire: service, image, namespace, envProcess, envVars, constraints, secrets, labels, annotations, limits, requests, readOnlyRootFilesystem
  const ordered: Record<string, unknown> = {}
  for (const key of ['service', 'image', 'namespace', 'envProcess', 'envVars', 'constraints', 'secrets', 'labels', 'annotations', 'limits', 'requests', 'readOnlyRootFilesystem']) {
    if ((out as unknown as Record<string, unknown>)[key] !== undefined) ordered[key] = (out as unknown as Record<string, unknown>)[key]
  }
  return ordered as unknown as FunctionDeployment
}

/** One body per stack function, in stack order (the stack is already filtered by --filter/--regex). */
export async function deploymentsFromStack(stack: Stack, flags: DeployFlagValues, cwd: string): Promise<FunctionDeployment[]> {
  const merge = await import('../stack/merge.js')
  const {parseTagFormat} = await import('../build/image.js')
  const {imageResolver} = await import('../build/build.js')
  const tag = parseTagFormat(flags.tag)
  const flagEnv = merge.parseKeyValueFlags(flags.env, '--env')
  const flagLabels = merge.parseKeyValueFlags(flags.label, '--label')
  const flagAnnotations = merge.parseKeyValueFlags(flags.annotation, '--annotation')
  const resolveImage = await imageResolver(tag, cwd)
  const fprocessCache = new Map<string, Promise<string | undefined>>()

  const one = async (fn: StackFunction): Promise<FunctionDeployment> => {
    if (!fn.image) throw new FaasError(`function ${fn.name} has no image`, {hint: 'Set "image:" for it in the stack file.'})
    let envProcess = fn.fprocess
    if (!envProcess && flags.readTemplate && isTemplateLang(fn.lang)) {
      const lang = fn.lang
      if (!fprocessCache.has(lang)) fprocessCache.set(lang, templateFprocess(lang, cwd))
      envProcess = await fprocessCache.get(lang)
    }
    return cleanDeployment({
      service: fn.name,
      image: await resolveImage(fn),
      namespace: flags.namespace || fn.namespace,
      envProcess,
      envVars: await merge.functionEnvironment(fn, cwd, flagEnv),
      constraints: merge.mergeConstraints(fn.constraints, flags.constraint),
      secrets: merge.mergeSecrets(flags.secret, fn.secrets),
      labels: merge.mergeLabels(fn.labels, flagLabels),
      annotations: merge.mergeAnnotations(fn.annotations, flagAnnotations),
      limits: fn.limits,
      requests: fn.requests,
      readOnlyRootFilesystem: merge.mergeReadonly(fn.readonly_root_filesystem, flags.readonly),
    })
  }
  const out: FunctionDeployment[] = []
  for (const fn of stack.functions) out.push(await one(fn))
  return out
}

/** The body for `deploy --image X --name Y` (no stack): the image is sent as given. */
export async function deploymentFromFlags(flags: DeployFlagValues, cwd: string): Promise<FunctionDeployment> {
  if (!flags.image || !flags.name) {
    throw new FaasError('To deploy a function give --yaml/-f or a --image and --name flag', {
      hint: 'Run in the folder holding stack.yaml, pass -f stack.yaml, or give both --image and --name.',
    })
  }
  const merge = await import('../stack/merge.js')
  let envProcess = flags.fprocess || undefined
  const lang = flags.lang.toLowerCase() === 'dockerfile' ? 'dockerfile' : flags.lang
  if (!envProcess && flags.readTemplate && isTemplateLang(lang)) envProcess = await templateFprocess(lang, cwd)
  return cleanDeployment({
    service: flags.name,
    image: flags.image,
    namespace: flags.namespace,
    envProcess,
    envVars: merge.parseKeyValueFlags(flags.env, '--env'),
    constraints: flags.constraint,
    secrets: [...new Set(flags.secret)],
    labels: merge.parseKeyValueFlags(flags.label, '--label'),
    annotations: merge.parseKeyValueFlags(flags.annotation, '--annotation'),
    limits: {cpu: flags.cpuLimit, memory: flags.memoryLimit},
    requests: {cpu: flags.cpuRequest, memory: flags.memoryRequest},
    readOnlyRootFilesystem: flags.readonly,
  })
}
