/**
 * Build arguments, labels and build options → the values docker gets (spec §3, §4.2). Pure.
 */
import {FaasError} from '../errors.js'

export const ADDITIONAL_PACKAGE = 'ADDITIONAL_PACKAGE'

/** One `KEY=VALUE` flag value, split on the first `=`, both sides trimmed and non-empty. */
export function parseKeyValue(value: string, flag: string): [string, string] {
  const eq = value.indexOf('=')
  const key = eq < 0 ? '' : value.slice(0, eq).trim()
  const val = eq < 0 ? '' : value.slice(eq + 1).trim()
  if (eq < 0 || key === '') {
    throw new FaasError(`${flag} "${value}" must have the form KEY=VALUE`, {hint: `e.g. ${flag} FOO=bar`})
  }
  return [key, val]
}

/**
 * `--build-arg` values → ordered pairs. Unlike faas-cli, a malformed value is an error rather
 * than silently dropping every build arg (§10); like faas-cli, both key and value must be
 * non-empty. Repeated ADDITIONAL_PACKAGE values are concatenated (space-separated).
 */
export function parseBuildArgFlags(values: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const value of values) {
    const [key, val] = parseKeyValue(value, '--build-arg')
    if (val === '') {
      throw new FaasError(`--build-arg "${value}" has an empty value`, {hint: 'Give a value: --build-arg KEY=VALUE'})
    }
    if (key === ADDITIONAL_PACKAGE && out.has(key)) out.set(key, `${out.get(key)} ${val}`.trim())
    else out.set(key, val)
  }
  return out
}

/** `--build-label` values → ordered pairs (`LABEL=VALUE`). */
export function parseBuildLabelFlags(values: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const value of values) {
    const [key, val] = parseKeyValue(value, '--build-label')
    out.set(key, val)
  }
  return out
}

/** Stack `build_args` ← `--build-arg` (the flag wins per key). */
export function mergeBuildArgs(stackArgs: Record<string, string> | undefined, flagArgs: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>(Object.entries(stackArgs ?? {}))
  for (const [k, v] of flagArgs) out.set(k, v)
  return out
}

/** `--build-option` values first, then the stack's `build_options`, de-duplicated. */
export function mergeBuildOptions(flagOptions: readonly string[], stackOptions: readonly string[] | undefined): string[] {
  return [...new Set([...flagOptions, ...(stackOptions ?? [])])]
}

export interface TemplateBuildOption {
  name: string
  packages?: string[]
}

/**
 * The ADDITIONAL_PACKAGE value: the packages of every requested build option plus the
 * space-separated packages of the ADDITIONAL_PACKAGE build arg, de-duplicated and sorted.
 */
export function additionalPackages(
  lang: string,
  requested: readonly string[],
  templateOptions: readonly TemplateBuildOption[] | undefined,
  additionalPackageArg: string | undefined,
): string {
  const packages = new Set<string>()
  for (const name of requested) {
    const option = (templateOptions ?? []).find((o) => o.name === name)
    if (!option) {
      throw new FaasError(
        `You're using a build option unavailable for ${lang}: ${name}`,
        {hint: `Please check /template/${lang}/template.yml for supported build options`},
      )
    }
    for (const p of option.packages ?? []) if (p.trim()) packages.add(p.trim())
  }
  for (const p of (additionalPackageArg ?? '').split(/\s+/)) if (p) packages.add(p)
  return [...packages].sort().join(' ')
}

/**
 * The build args docker gets: everything but ADDITIONAL_PACKAGE in the order given, then
 * ADDITIONAL_PACKAGE (always present, possibly empty).
 */
export function finalBuildArgs(args: Map<string, string>, packages: string): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const [k, v] of args) if (k !== ADDITIONAL_PACKAGE) out.push([k, v])
  out.push([ADDITIONAL_PACKAGE, packages])
  return out
}
