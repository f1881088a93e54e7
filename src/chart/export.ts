/**
 * `chart export`: render `chart/<CHART>` with `helm template` and write each resource to a file of
 * its own, as faas-cli does: `<out>/<lower(kind)>/<name>.yaml` (`<name>.<namespace>.yaml` when the
 * same kind and name appear more than once), CRDs under `00_customresourcedefinition` so they sort
 * first for `kubectl apply -f`, each document re-encoded the way faas-cli's YAML library writes it
 * (sorted keys, 2-space indent, comments dropped).
 *
 * faas-cli deletes the output folder, whatever it is, before writing. We replace it only when it is
 * missing, empty or an earlier export (kind folders of .yaml files), never `/`, the home folder, the
 * current folder or one of its parents; and the new export is written beside it first, then swapped
 * in, so a failure leaves the previous export as it was.
 */
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {FaasError, errorMessage} from '../errors.js'
import {GoMap, encodeGoYaml, parseGoYamlDocuments} from '../util/go-yaml.js'
import type {GoValue} from '../util/go-yaml.js'

export interface ChartExportOptions {
  chart?: string
  output: string
  release: string
  crds: boolean
  values: readonly string[]
  set: readonly string[]
  namespace?: string
  cwd: string
  env?: NodeJS.ProcessEnv
  /** Told the helm command line before it runs. */
  onRun?: (commandLine: string) => void
  warn?: (text: string) => void
}

export interface ChartResource {
  kind: string
  name: string
  namespace: string
  yaml: string
}

export interface ChartExportResult {
  /** Absolute output folder. */
  outputDir: string
  /** Written files relative to outputDir, in helm's order (one per resource). */
  written: string[]
}

/** `chart/<name>` (faas-cli's layout: charts live under ./chart). */
export function chartPath(chart?: string): string {
  return path.join('chart', chart || 'openfaas')
}

/** faas-cli's argv for `helm`. */
export function helmTemplateArgs(options: Pick<ChartExportOptions, 'chart' | 'release' | 'crds' | 'values' | 'set' | 'namespace'>): string[] {
  const args = ['template', options.release, chartPath(options.chart)]
  if (options.crds) args.push('--include-crds')
  for (const file of options.values) args.push('-f', file)
  for (const value of options.set) args.push('--set', value)
  if (options.namespace) args.push('--namespace', options.namespace)
  return args
}

/** The resources of helm's output: documents with a string `kind` and a `metadata.name`. */
export async function splitResources(text: string): Promise<ChartResource[]> {
  const {loadYaml} = await import('../util/yaml.js')
  let docs: GoValue[]
  try {
    docs = parseGoYamlDocuments(await loadYaml(), text)
  } catch (error) {
    throw new FaasError(`failed to parse YAML output: ${errorMessage(error)}`, {hint: 'Run the helm command above by hand and check its output.'})
  }
  const resources: ChartResource[] = []
  docs.forEach((doc, index) => {
    if (doc === null) return
    if (!(doc instanceof GoMap)) throw new FaasError(`failed to parse YAML output: document ${index + 1} is not a mapping`)
    const kind = doc.get('kind')
    const metadata = doc.get('metadata')
    if (typeof kind !== 'string' || kind === '' || !(metadata instanceof GoMap)) return
    const name = metadata.get('name')
    if (typeof name !== 'string' || name === '') return
    const namespace = metadata.get('namespace')
    resources.push({kind, name, namespace: typeof namespace === 'string' ? namespace : '', yaml: encodeGoYaml(doc, 2)})
  })
  return resources
}

function checkFileName(part: string, what: string, resource: ChartResource): void {
  if (part === '.' || part === '..' || /[/\\\0]/.test(part)) {
    throw new FaasError(`the ${resource.kind} "${resource.name}" cannot be written: its ${what} ${JSON.stringify(part)} is not a file name`, {
      hint: 'Kubernetes names never contain "/"; check the chart templates.',
    })
  }
}

/** Where each resource goes, relative to the output folder (faas-cli's names). */
export function resourceFiles(resources: readonly ChartResource[]): string[] {
  const count = new Map<string, number>()
  const id = (r: ChartResource) => `${r.kind}\0${r.name}`
  for (const r of resources) count.set(id(r), (count.get(id(r)) ?? 0) + 1)
  return resources.map((r) => {
    const dir = r.kind === 'CustomResourceDefinition' ? `00_${r.kind.toLowerCase()}` : r.kind.toLowerCase()
    const base = count.get(id(r))! > 1 && r.namespace ? `${r.name}.${r.namespace}` : r.name
    checkFileName(dir, 'kind', r)
    checkFileName(base, 'name', r)
    return path.join(dir, `${base}.yaml`)
  })
}

async function lstatOrUndefined(file: string) {
  try {
    return await fs.lstat(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

function isSameOrInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/**
 * Throws unless `dir` may be replaced: missing, or a folder holding only kind folders of .yaml
 * files (what an export writes), and not a folder the user is standing in or their home.
 */
export async function checkReplaceable(dir: string, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const home = env.HOME ? path.resolve(env.HOME) : os.homedir()
  const refuse = (why: string) => new FaasError(`refusing to replace the output folder ${dir}: ${why}`, {
    hint: 'Give --output a folder of its own (the default is ./yaml), or empty that folder yourself.',
  })
  if (dir === path.parse(dir).root) throw refuse('it is the root folder')
  if (dir === home) throw refuse('it is the home folder')
  if (isSameOrInside(path.resolve(cwd), dir)) throw refuse('it is the current folder or one of its parents')
  if (isSameOrInside(path.resolve(cwd, 'chart'), dir)) throw refuse('it holds the chart folder')
  const stat = await lstatOrUndefined(dir)
  if (!stat) return
  if (!stat.isDirectory()) throw refuse(stat.isSymbolicLink() ? 'it is a symbolic link' : 'it is not a folder')
  for (const entry of await fs.readdir(dir, {withFileTypes: true})) {
    if (!entry.isDirectory()) throw refuse(`it holds ${entry.name}, which chart export did not write`)
    for (const file of await fs.readdir(path.join(dir, entry.name), {withFileTypes: true})) {
      if (!file.isFile() || !file.name.endsWith('.yaml')) throw refuse(`it holds ${path.join(entry.name, file.name)}, which chart export did not write`)
    }
  }
}

function uniqueSuffix(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
}

/** Writes the files into a fresh folder beside `outputDir`, then puts it in place of the old one. */
async function writeExport(outputDir: string, files: ReadonlyArray<[string, string]>, warn?: (text: string) => void): Promise<void> {
  const parent = path.dirname(outputDir)
  const base = path.basename(outputDir)
  await fs.mkdir(parent, {recursive: true, mode: 0o755})
  const staging = path.join(parent, `.${base}.export-${uniqueSuffix()}`)
  await fs.mkdir(staging, {mode: 0o755})
  let old: string | undefined
  try {
    const seen = new Set<string>()
    for (const [rel, text] of files) {
      if (seen.has(rel)) warn?.(`Warning: ${rel} is written twice (the same kind and name, without a namespace); the last one stays`)
      seen.add(rel)
      await fs.mkdir(path.join(staging, path.dirname(rel)), {recursive: true, mode: 0o755})
      await fs.writeFile(path.join(staging, rel), text, {mode: 0o644})
    }
    if (await lstatOrUndefined(outputDir)) {
      old = path.join(parent, `.${base}.old-${uniqueSuffix()}`)
      await fs.rename(outputDir, old)
    }
    try {
      await fs.rename(staging, outputDir)
    } catch (error) {
      if (old) await fs.rename(old, outputDir).catch(() => {})
      old = undefined
      throw error
    }
  } catch (error) {
    await fs.rm(staging, {recursive: true, force: true})
    throw new FaasError(`failed to write ${outputDir}: ${errorMessage(error)}`)
  }
  if (old) await fs.rm(old, {recursive: true, force: true})
}

export async function exportChart(options: ChartExportOptions): Promise<ChartExportResult> {
  const {findHelm, runHelm} = await import('./helm.js')
  await findHelm(options.env)
  const chart = chartPath(options.chart)
  const stat = await fs.stat(path.resolve(options.cwd, chart)).catch(() => undefined)
  if (!stat?.isDirectory()) {
    throw new FaasError(`chart directory not found: ${chart}`, {hint: 'Run chart export in a folder that holds chart/<CHART> (for example a checkout of the openfaas/faas-netes repository).'})
  }
  const outputDir = path.resolve(options.cwd, options.output)
  await checkReplaceable(outputDir, options.cwd, options.env)
  const args = helmTemplateArgs(options)
  options.onRun?.(`helm ${args.join(' ')}`)
  const rendered = await runHelm(args, {cwd: options.cwd, env: options.env})
  const resources = await splitResources(rendered)
  if (resources.length === 0) throw new FaasError('no resources found in helm output', {hint: 'Check the chart and the values given.'})
  const written = resourceFiles(resources)
  await writeExport(outputDir, written.map((rel, i) => [rel, resources[i].yaml]), options.warn)
  return {outputDir, written}
}
