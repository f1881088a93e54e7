/**
 * `diff`: what `deploy` would change. The stack's functions (with env files, -n and --tag applied,
 * as deploy computes them) against GET /system/functions of each namespace involved.
 */
import {FaasError} from '../errors.js'
import type {Stack} from '../stack/types.js'
import {printable} from '../ui/escape.js'
import type {GatewayClient} from './client.js'
import {DEFAULT_DEPLOY_FLAGS, deploymentsFromStack} from './deploy-spec.js'
import {fetchFunctions} from './functions.js'
import {qualifiedName} from './http.js'
import type {FunctionDeployment, FunctionStatus} from './types.js'

/** local: ignore what only the deployment has; remote: ignore what only the stack has; all: both. */
export type DiffMode = 'local' | 'remote' | 'all'

export interface FieldDiff {
  field: string
  /** undefined = absent from the stack. */
  stack?: string
  /** undefined = absent from the deployment. */
  deployed?: string
}

export interface FunctionDiff {
  name: string
  namespace?: string
  /** `name[.ns]` */
  key: string
  deployed: boolean
  differences: FieldDiff[]
}

export function parseDiffMode(value: string): DiffMode {
  const v = value.toLowerCase()
  if (v === 'local' || v === 'remote' || v === 'all') return v
  throw new FaasError(`invalid argument "${value}" for "--env" flag: must be one of local, remote, all`)
}

function compareMaps(prefix: string, stack: Record<string, string> | undefined, deployed: Record<string, string> | undefined, mode: DiffMode, out: FieldDiff[]): void {
  const s = stack ?? {}
  const d = deployed ?? {}
  for (const key of [...new Set([...Object.keys(s), ...Object.keys(d)])].sort()) {
    const inStack = key in s
    const inDeployed = key in d
    if (!inStack && mode === 'local') continue
    if (!inDeployed && mode === 'remote') continue
    if (s[key] !== d[key]) out.push({field: `${prefix}.${key}`, stack: inStack ? s[key] : undefined, deployed: inDeployed ? d[key] : undefined})
  }
}

function compareSets(prefix: string, stack: readonly string[] | undefined, deployed: readonly string[] | undefined, mode: DiffMode, out: FieldDiff[]): void {
  const s = new Set(stack ?? [])
  const d = new Set(deployed ?? [])
  for (const item of [...new Set([...s, ...d])].sort()) {
    if (s.has(item) === d.has(item)) continue
    if (!s.has(item) && mode === 'local') continue
    if (!d.has(item) && mode === 'remote') continue
    out.push({field: `${prefix}.${item}`, stack: s.has(item) ? 'present' : undefined, deployed: d.has(item) ? 'present' : undefined})
  }
}

/** The differences of one function (empty when the deployment matches). */
export function compareFunction(want: FunctionDeployment, have: FunctionStatus, hasFprocess: boolean, mode: DiffMode): FieldDiff[] {
  const out: FieldDiff[] = []
  if (want.image !== have.image) out.push({field: 'image', stack: want.image, deployed: have.image})
  if (hasFprocess && (want.envProcess ?? '') !== (have.envProcess ?? '')) out.push({field: 'fprocess', stack: want.envProcess, deployed: have.envProcess})
  const ro = Boolean(want.readOnlyRootFilesystem)
  if (ro !== Boolean(have.readOnlyRootFilesystem)) out.push({field: 'readonly_root_filesystem', stack: String(ro), deployed: String(Boolean(have.readOnlyRootFilesystem))})
  compareMaps('env', want.envVars, have.envVars, mode, out)
  compareSets('secret', want.secrets, have.secrets, mode, out)
  compareSets('constraint', want.constraints, have.constraints, mode, out)
  compareMaps('label', want.labels, have.labels, mode, out)
  compareMaps('annotation', want.annotations, have.annotations, mode, out)
  for (const kind of ['limits', 'requests'] as const) {
    for (const r of ['cpu', 'memory'] as const) {
      const a = want[kind]?.[r]
      const b = have[kind]?.[r]
      if ((a ?? '') !== (b ?? '')) out.push({field: `${kind}.${r}`, stack: a, deployed: b})
    }
  }
  return out
}

export async function diffStack(client: GatewayClient, stack: Stack, options: {namespace: string; tag: string; mode: DiffMode; cwd: string}): Promise<FunctionDiff[]> {
  const wanted = await deploymentsFromStack(stack, {...DEFAULT_DEPLOY_FLAGS, namespace: options.namespace, tag: options.tag, readTemplate: false}, options.cwd)
  const namespaces = [...new Set(wanted.map((w) => w.namespace ?? ''))]
  const deployed = new Map<string, FunctionStatus[]>()
  for (const ns of namespaces) deployed.set(ns, await fetchFunctions(client, ns || undefined))
  const out: FunctionDiff[] = []
  wanted.forEach((want, i) => {
    const ns = want.namespace ?? ''
    const key = qualifiedName(want.service, ns || undefined)
    const have = deployed.get(ns)!.find((f) => f.name === want.service)
    if (!have) {
      out.push({name: want.service, namespace: ns || undefined, key, deployed: false, differences: [{field: 'function', stack: 'defined in stack.yaml', deployed: 'not deployed'}]})
      return
    }
    const differences = compareFunction(want, have, Boolean(stack.functions[i].fprocess), options.mode)
    if (differences.length) out.push({name: want.service, namespace: ns || undefined, key, deployed: true, differences})
  })
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

/** Side-by-side text: `stack.yaml | deployed`, one row per field, columns at least 40 wide. */
export function renderDiff(diffs: readonly FunctionDiff[]): string {
  if (diffs.length === 0) return 'YAML matches deployment, no differences found.\n'
  let out = ''
  for (const d of diffs) {
    // deployed values come from the gateway: escaped, like every value shown
    const rows = d.differences.map((f) => [f.stack === undefined ? '' : printable(`- ${f.field}: ${f.stack}`), f.deployed === undefined ? '' : printable(`+ ${f.field}: ${f.deployed}`)])
    let width = 40
    for (const [left] of rows) width = Math.max(width, left.length)
    out += `${printable(d.key)}\n`
    out += `  ${'stack.yaml'.padEnd(width)} | ${'deployed'.padEnd(width)}\n`
    out += `  ${'-'.repeat(width)}-+-${'-'.repeat(width)}\n`
    for (const [left, right] of rows) out += `  ${left.padEnd(width)} | ${right}\n`.replace(/ +\n$/, '\n')
    out += '\n'
  }
  return out
}
