/**
 * stack.yaml text (already env-substituted) → typed Stack, with faas-cli's rules (spec §2):
 * non-strict (unknown keys ignored), `<<` merge keys, scalars coerced into string fields as they
 * are written (`1` → "1", `1.0` → "1.0", `true` → "true"), and every type mismatch, syntax error
 * or duplicate key reported as ONE line naming the file, line and column.
 *
 * js-yaml parses, through one of two readers in yaml-reader.ts that feed the same model walk
 * (generic over reader.ts's TreeReader): a fast one over js-yaml's plain values, which hands
 * anything doubtful and every error to the positioned one (each scalar as written, with its
 * place in the file), so every message names file, line and column.
 *
 * This module imports js-yaml at the top: import it (or ./index.js) lazily from commands.
 */
import {FaasError} from '../errors.js'
import type {TreeReader} from './reader.js'
import {oneLine} from './text.js'
import type {Stack, StackConfiguration, StackFunction, TemplateSource} from './types.js'
import {fastReader, NEEDS_FULL_READER, YamlReader} from './yaml-reader.js'

export const VALID_PROVIDER = 'openfaas'
export const VALID_VERSIONS = ['1.0']

/**
 * Parse and validate a stack file's text. `source` names it in messages (the -f value, a URL,
 * or `-` for stdin). Throws FaasError for every problem; never returns a partial stack.
 */
export function parseStack(text: string, source: string): Stack {
  return parseStackFast(text, source) ?? parseStackFull(text, source)
}

/**
 * The fast reader alone: the Stack when it can read `text` and it is valid, `undefined` when
 * the positioned reader must decide (exported for tests and the benchmark).
 */
export function parseStackFast(text: string, source: string): Stack | undefined {
  const read = readFast(() => readStack(fastReader(text, displayName(source)), source))
  return read && !problem(read.stack) ? read.stack : undefined
}

/** The positioned reader alone (the reference the fast reader is tested against). */
export function parseStackFull(text: string, source: string): Stack {
  const reader = new YamlReader(text, displayName(source))
  const read = readStack(reader, source)
  checkStack(read, reader)
  return read.stack
}

/** The fast reader's result, or `undefined` when the positioned reader must decide (every error). */
function readFast<T>(read: () => T): T | undefined {
  try {
    return read()
  } catch (err) {
    if (err === NEEDS_FULL_READER) return undefined
    throw err
  }
}

/**
 * Read an `environment_file` (`environment: {K: V}`): same coercion and messages as the stack.
 * No env substitution, like faas-cli.
 */
export function parseEnvironmentFile(text: string, source: string): Record<string, string> {
  return readFast(() => readEnvironment(fastReader(text, displayName(source)))) ?? readEnvironment(new YamlReader(text, displayName(source)))
}

function displayName(source: string): string {
  return source === '-' ? '<stdin>' : source
}

interface ReadStack<N> {
  stack: Stack
  /** Where provider.name (else provider) and version are written, for the validation hints. */
  providerAt?: N
  versionAt?: N
}

function readStack<N>(reader: TreeReader<N>, source: string): ReadStack<N> {
  const {value: root, at: rootAt} = reader.root()
  const read: ReadStack<N> = {stack: {provider: {name: ''}, functions: [], source}}
  const {stack} = read
  if (root === null) return read
  if (!reader.isMap(root)) reader.fail(rootAt, '', `expected a map with "provider" and "functions" at the top level, got ${reader.kind(root)}`)
  for (const {key, value, at} of reader.entries(root, '')) {
    switch (key) {
      case 'version': {
        const version = reader.string(value, at, 'version')
        if (version !== undefined && version !== '') {
          stack.version = version
          read.versionAt = at
        }
        break
      }
      case 'provider': {
        const provider = readProvider(reader, value, at)
        stack.provider = provider.provider
        read.providerAt = provider.nameAt
        break
      }
      case 'functions':
        stack.functions = readFunctions(reader, value, at)
        break
      case 'configuration': {
        const configuration = readConfiguration(reader, value, at)
        if (configuration) stack.configuration = configuration
        break
      }
      default:
      // unknown keys are ignored, like faas-cli
    }
  }
  return read
}

/** The first validation rule a read stack breaks (provider before version, like faas-cli). */
function problem(stack: Stack): 'provider' | 'version' | undefined {
  if (stack.provider.name !== VALID_PROVIDER) return 'provider'
  if (stack.version !== undefined && !VALID_VERSIONS.includes(stack.version)) return 'version'
  return undefined
}

function checkStack<N>({stack, providerAt, versionAt}: ReadStack<N>, reader: TreeReader<N>): void {
  switch (problem(stack)) {
    case 'provider':
      throw new FaasError(`['${VALID_PROVIDER}'] is the only valid "provider.name" for the OpenFaaS CLI, but you gave: ${oneLine(stack.provider.name)}`, {
        hint: providerAt
          ? `Set provider.name to ${VALID_PROVIDER} in ${reader.where(providerAt)}`
          : `${reader.source} has no provider section: add "provider:" with "name: ${VALID_PROVIDER}"`,
      })
    case 'version':
      throw new FaasError(`[${VALID_VERSIONS.join(' ')}] are the only valid versions for the stack file - found: ${oneLine(stack.version ?? '')}`, {
        hint: `Write version: 1.0 (or leave it out) at ${reader.where(versionAt ?? null)}`,
      })
    default:
  }
}

function readEnvironment<N>(reader: TreeReader<N>): Record<string, string> {
  const {value: root, at: rootAt} = reader.root()
  if (root === null) return {}
  if (!reader.isMap(root)) reader.fail(rootAt, '', `expected a map with an "environment" key, got ${reader.kind(root)}`)
  let env: Record<string, string> = {}
  for (const {key, value, at} of reader.entries(root, '')) {
    if (key === 'environment') env = reader.stringMap(value, at, 'environment') ?? {}
  }
  return env
}

function readProvider<N>(reader: TreeReader<N>, value: N | null, at: N): {provider: Stack['provider']; nameAt: N} {
  const provider: Stack['provider'] = {name: ''}
  let nameAt = at
  if (value === null) return {provider, nameAt}
  if (!reader.isMap(value)) reader.fail(value, 'provider', `expected a map with "name" and "gateway", got ${reader.kind(value)}`, at)
  for (const e of reader.entries(value, 'provider')) {
    if (e.key === 'name') {
      provider.name = reader.string(e.value, e.at, 'provider.name') ?? ''
      nameAt = e.at
    } else if (e.key === 'gateway') {
      const gateway = reader.string(e.value, e.at, 'provider.gateway')
      if (gateway !== undefined) provider.gateway = gateway
    }
  }
  return {provider, nameAt}
}

function readConfiguration<N>(reader: TreeReader<N>, value: N | null, at: N): StackConfiguration | undefined {
  if (value === null) return undefined
  if (!reader.isMap(value)) reader.fail(value, 'configuration', `expected a map, got ${reader.kind(value)}`, at)
  const configuration: StackConfiguration = {}
  for (const e of reader.entries(value, 'configuration')) {
    if (e.key === 'copy') {
      const copy = reader.stringList(e.value, e.at, 'configuration.copy')
      if (copy) configuration.copy = copy
    } else if (e.key === 'templates') {
      const templates = readTemplates(reader, e.value, e.at)
      if (templates) configuration.templates = templates
    }
  }
  return configuration
}

function readTemplates<N>(reader: TreeReader<N>, value: N | null, at: N): TemplateSource[] | undefined {
  const path = 'configuration.templates'
  if (value === null) return undefined
  if (!reader.isSeq(value)) reader.fail(value, path, `expected a list of {name, source}, got ${reader.kind(value)}`, at)
  const out: TemplateSource[] = []
  reader.items(value).forEach((item, i) => {
    const itemPath = `${path}[${i}]`
    const entry = reader.deref(item, itemPath)
    const template: TemplateSource = {name: ''}
    if (entry !== null) {
      if (!reader.isMap(entry)) reader.fail(entry, itemPath, `expected a map with "name" and "source", got ${reader.kind(entry)}`, item ?? undefined)
      for (const e of reader.entries(entry, itemPath)) {
        if (e.key === 'name') template.name = reader.string(e.value, e.at, `${itemPath}.name`) ?? ''
        else if (e.key === 'source') {
          const source = reader.string(e.value, e.at, `${itemPath}.source`)
          if (source !== undefined) template.source = source
        }
      }
    }
    out.push(template)
  })
  return out
}

function readFunctions<N>(reader: TreeReader<N>, value: N | null, at: N): StackFunction[] {
  if (value === null) return []
  if (!reader.isMap(value)) reader.fail(value, 'functions', `expected a map of function name to settings, got ${reader.kind(value)}`, at)
  const out: StackFunction[] = []
  for (const e of reader.entries(value, 'functions')) {
    if (e.key.trim() === '') reader.fail(e.keyNode, 'functions', 'a function needs a name (the key under "functions" is empty)', at)
    out.push(readFunction(reader, e.key, e.value, e.at))
  }
  return out
}

/** How each function field is read (the model's types); other keys are ignored. */
const FUNCTION_FIELDS = new Map<string, 'string' | 'bool' | 'map' | 'list'>([
  ...(['lang', 'handler', 'image', 'fprocess', 'namespace', 'platforms'] as const).map((k) => [k, 'string'] as const),
  ...(['skip_build', 'readonly_root_filesystem'] as const).map((k) => [k, 'bool'] as const),
  // limits and requests (FunctionResources) are string maps too
  ...(['environment', 'labels', 'annotations', 'build_args', 'build_secrets', 'limits', 'requests'] as const).map((k) => [k, 'map'] as const),
  ...(['environment_file', 'secrets', 'constraints', 'build_options'] as const).map((k) => [k, 'list'] as const),
])

function readFunction<N>(reader: TreeReader<N>, name: string, value: N | null, at: N): StackFunction {
  const base = `functions.${name}`
  const fn: StackFunction = {name}
  if (value === null) return fn
  if (!reader.isMap(value)) reader.fail(value, base, `expected a map of function settings, got ${reader.kind(value)}`, at)
  const fields = fn as unknown as Record<string, unknown>
  for (const e of reader.entries(value, base)) {
    const kind = FUNCTION_FIELDS.get(e.key)
    if (kind === undefined) continue
    const path = `${base}.${e.key}`
    let read: unknown
    if (kind === 'string') read = reader.string(e.value, e.at, path)
    else if (kind === 'bool') read = reader.bool(e.value, e.at, path)
    else if (kind === 'list') read = reader.stringList(e.value, e.at, path)
    else read = reader.stringMap(e.value, e.at, path)
    if (read !== undefined) fields[e.key] = read
  }
  // faas-cli normalises `--lang Dockerfile` but not `lang: Dockerfile` in a stack file (its loop
  // edits a copy, spec §10), so it then looks for a template named "Dockerfile". Fixed here.
  if (fn.lang !== undefined && fn.lang.toLowerCase() === 'dockerfile') fn.lang = 'dockerfile'
  return fn
}
