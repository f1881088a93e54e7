/**
 * How stack values and command-line flags combine (spec §2, "Merging rules"). Pure functions,
 * except readEnvironmentFiles, which reads the `environment_file` entries. build/deploy/up/
 * local-run/generate call these so the rules live in one place. Cheap to import (yaml is loaded
 * only when an environment file is read).
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'

import {errorMessage, FaasError} from '../errors.js'
import {oneLine} from './text.js'
import type {StackFunction} from './types.js'

type StringMap = Record<string, string>

/**
 * The variables of a function's `environment_file` entries (paths relative to `cwd`, like
 * faas-cli, not to the stack file). Each file holds `environment: {K: V}`; later files override
 * earlier ones. A missing or malformed file is an error naming it.
 */
export async function readEnvironmentFiles(fn: StackFunction, cwd: string): Promise<StringMap> {
  const files = fn.environment_file ?? []
  if (files.length === 0) return {}
  const texts = await Promise.all(
    files.map(async (file) => {
      if (file === '') throw new FaasError(oneLine(`Function ${fn.name}: an environment_file entry is empty`))
      try {
        return await readFile(path.resolve(cwd, file), 'utf8')
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : errorMessage(err)
        throw new FaasError(oneLine(`Cannot read environment_file ${file} of function ${fn.name}: ${reason}`), {
          hint: 'environment_file paths are relative to the current directory, not to the stack file',
        })
      }
    }),
  )
  const {parseEnvironmentFile} = await import('./parse.js')
  let merged: StringMap = {}
  // spread, not Object.assign: a "__proto__" key stays an ordinary variable
  files.forEach((file, i) => (merged = {...merged, ...parseEnvironmentFile(stripBom(texts[i]), file)}))
  return merged
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

/** env = `environment` ← `environment_file` ← `--env` (right wins). */
export function mergeEnvironment(stackEnv: StringMap | undefined, fileEnv: StringMap | undefined, flagEnv: StringMap | undefined): StringMap {
  return {...stackEnv, ...fileEnv, ...flagEnv}
}

/**
 * A function's full environment as deploy/generate/local-run send it: `environment`, then its
 * `environment_file`s, then `--env` values.
 */
export async function functionEnvironment(fn: StackFunction, cwd: string, flagEnv?: StringMap): Promise<StringMap> {
  return mergeEnvironment(fn.environment, await readEnvironmentFiles(fn, cwd), flagEnv)
}

/** labels = stack ← `--label`. Always a map (faas-cli sends `{}` for none). */
export function mergeLabels(stackLabels: StringMap | undefined, flagLabels: StringMap | undefined): StringMap {
  return {...stackLabels, ...flagLabels}
}

/** annotations = stack ← `--annotation`. Always a map (faas-cli sends `{}` for none). */
export function mergeAnnotations(stackAnnotations: StringMap | undefined, flagAnnotations: StringMap | undefined): StringMap {
  return {...stackAnnotations, ...flagAnnotations}
}

/** secrets = `--secret` values first, then the stack's, without duplicates. */
export function mergeSecrets(flagSecrets: readonly string[] | undefined, stackSecrets: readonly string[] | undefined): string[] {
  return dedupe([...(flagSecrets ?? []), ...(stackSecrets ?? [])])
}

/** constraints = the stack's when set (even `[]`), else `--constraint`. */
export function mergeConstraints(stackConstraints: readonly string[] | undefined, flagConstraints: readonly string[] | undefined): string[] {
  return [...(stackConstraints ?? flagConstraints ?? [])]
}

/** `--readonly` forces a read-only root filesystem; otherwise the stack decides. */
export function mergeReadonly(stackReadonly: boolean | undefined, flagReadonly: boolean | undefined): boolean {
  return flagReadonly === true || stackReadonly === true
}

/** build args = `build_args` ← `--build-arg`. */
export function mergeBuildArgs(stackArgs: StringMap | undefined, flagArgs: StringMap | undefined): StringMap {
  return {...stackArgs, ...flagArgs}
}

/** build options = `--build-option` values first, then `build_options`, without duplicates. */
export function mergeBuildOptions(flagOptions: readonly string[] | undefined, stackOptions: readonly string[] | undefined): string[] {
  return dedupe([...(flagOptions ?? []), ...(stackOptions ?? [])])
}

/** extra copy paths = `--copy-extra` values first, then `configuration.copy`. */
export function mergeCopyPaths(flagPaths: readonly string[] | undefined, stackPaths: readonly string[] | undefined): string[] {
  return [...(flagPaths ?? []), ...(stackPaths ?? [])]
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)]
}

export interface KeyValueOptions {
  /** Trim spaces around key and value (faas-cli does for build args). */
  trim?: boolean
  /** Reject an empty value (`KEY=`). */
  requireValue?: boolean
}

/**
 * Parse repeated `KEY=VALUE` flag values (`--env`, `--label`, `--annotation`, `--build-arg`,
 * `--build-label`), splitting on the first `=`. A later value for the same key wins. A value
 * without `=` or with an empty key is an error naming the flag — never silently dropped
 * (faas-cli drops every build arg when one is malformed, spec §10).
 */
export function parseKeyValueFlags(values: readonly string[] | undefined, flag: string, options: KeyValueOptions = {}): StringMap {
  const out: StringMap = Object.create(null)
  for (const [key, value] of parseKeyValuePairs(values, flag, options)) out[key] = value
  return {...out}
}

function parseKeyValuePairs(values: readonly string[] | undefined, flag: string, options: KeyValueOptions): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  const name = flag.startsWith('-') ? flag : `--${flag}`
  for (const raw of values ?? []) {
    const eq = raw.indexOf('=')
    let key = eq === -1 ? raw : raw.slice(0, eq)
    let value = eq === -1 ? '' : raw.slice(eq + 1)
    if (options.trim) {
      key = key.trim()
      value = value.trim()
    }
    const shown = oneLine(JSON.stringify(raw))
    if (eq === -1) throw new FaasError(`Invalid ${name} value ${shown}: expected KEY=VALUE`, {hint: `Write ${name} NAME=value`})
    if (key === '' || (!options.trim && key.trim() === '')) throw new FaasError(`Invalid ${name} value ${shown}: the key before "=" is empty`, {hint: `Write ${name} NAME=value`})
    if (options.requireValue && value === '') throw new FaasError(`Invalid ${name} value ${shown}: the value after "=" is empty`, {hint: `Write ${name} NAME=value`})
    pairs.push([key, value])
  }
  return pairs
}

/**
 * `--build-arg` values: keys and values trimmed and both required, like faas-cli. Repeated
 * `ADDITIONAL_PACKAGE` values are joined with spaces (faas-cli concatenates them); for any other
 * repeated key the last one wins.
 */
export function parseBuildArgFlags(values: readonly string[] | undefined, flag = '--build-arg'): StringMap {
  const out: StringMap = Object.create(null)
  for (const [key, value] of parseKeyValuePairs(values, flag, {trim: true, requireValue: true})) {
    out[key] = key === 'ADDITIONAL_PACKAGE' && out[key] !== undefined ? `${out[key]} ${value}` : value
  }
  return {...out}
}
