/**
 * Build options and build args → the values docker gets (spec §3, §4.2). Pure. Flag parsing
 * and stack/flag merging live in src/stack/merge.ts.
 */
import {FaasError} from '../errors.js'

export const ADDITIONAL_PACKAGE = 'ADDITIONAL_PACKAGE'

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
export function finalBuildArgs(args: Record<string, string>, packages: string): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const [k, v] of Object.entries(args)) if (k !== ADDITIONAL_PACKAGE) out.push([k, v])
  out.push([ADDITIONAL_PACKAGE, packages])
  return out
}
