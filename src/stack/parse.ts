/**
 * stack.yaml text (already env-substituted) → typed Stack, with faas-cli's rules (spec §2):
 * non-strict (unknown keys ignored), `<<` merge keys, scalars coerced into string fields as they
 * are written (`1` → "1", `1.0` → "1.0", `true` → "true"), and every type mismatch, syntax error
 * or duplicate key reported as ONE line naming the file, line and column.
 *
 * The YAML library only builds the syntax tree; this module walks that tree itself, reading the
 * fields the model knows. That is what gives each error a position, keeps numbers as their source
 * text, and means anchors/aliases cost only what the known fields reference (no alias bombs).
 *
 * This module imports `yaml` at the top: import it (or ./index.js) lazily from commands.
 */
import {Alias, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, YAMLMap, YAMLSeq} from 'yaml'
import type {Document, Node as YamlNode} from 'yaml'

import {errorMessage, FaasError} from '../errors.js'
import {oneLine} from './text.js'
import type {FunctionResources, Stack, StackConfiguration, StackFunction, TemplateSource} from './types.js'

export const VALID_PROVIDER = 'openfaas'
export const VALID_VERSIONS = ['1.0']

/** A value node after alias resolution; `null` is a missing value (`key:` with nothing, `? key`). */
type Value = YAMLMap | YAMLSeq | Scalar | null

interface Entry {
  key: string
  keyNode: YamlNode
  value: Value
  /** Where the value is written (the alias, not its anchor), for error positions. */
  at: YamlNode
}

/** How deep `<<` merges may chain; real files use one or two levels. */
const MAX_MERGE_DEPTH = 50

/**
 * Parse and validate a stack file's text. `source` names it in messages (the -f value, a URL,
 * or `-` for stdin). Throws FaasError for every problem; never returns a partial stack.
 */
export function parseStack(text: string, source: string): Stack {
  const reader: YamlReader = new YamlReader(text, displayName(source))
  const root = reader.root()
  const stack: Stack = {provider: {name: ''}, functions: [], source}
  let versionAt: YamlNode | undefined
  let providerAt: YamlNode | undefined

  if (root !== null) {
    if (!isMap(root)) reader.fail(reader.rootNode ?? null, '', `expected a map with "provider" and "functions" at the top level, got ${reader.kind(root)}`)
    for (const {key, value, at} of reader.entries(root, '')) {
      switch (key) {
        case 'version': {
          const version = reader.string(value, at, 'version')
          if (version !== undefined && version !== '') {
            stack.version = version
            versionAt = at
          }
          break
        }
        case 'provider': {
          const read = readProvider(reader, value, at)
          stack.provider = read.provider
          providerAt = read.nameAt
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
  }

  if (stack.provider.name !== VALID_PROVIDER) {
    throw new FaasError(`['${VALID_PROVIDER}'] is the only valid "provider.name" for the OpenFaaS CLI, but you gave: ${oneLine(stack.provider.name)}`, {
      hint: providerAt
        ? `Set provider.name to ${VALID_PROVIDER} in ${reader.where(providerAt)}`
        : `${reader.source} has no provider section: add "provider:" with "name: ${VALID_PROVIDER}"`,
    })
  }
  if (stack.version !== undefined && !VALID_VERSIONS.includes(stack.version)) {
    throw new FaasError(`[${VALID_VERSIONS.join(' ')}] are the only valid versions for the stack file - found: ${oneLine(stack.version)}`, {
      hint: `Write version: 1.0 (or leave it out) at ${reader.where(versionAt ?? null)}`,
    })
  }
  return stack
}

/**
 * Read an `environment_file` (`environment: {K: V}`): same coercion and messages as the stack.
 * No env substitution, like faas-cli.
 */
export function parseEnvironmentFile(text: string, source: string): Record<string, string> {
  const reader: YamlReader = new YamlReader(text, displayName(source))
  const root = reader.root()
  if (root === null) return {}
  if (!isMap(root)) reader.fail(reader.rootNode ?? null, '', `expected a map with an "environment" key, got ${reader.kind(root)}`)
  let env: Record<string, string> = {}
  for (const {key, value, at} of reader.entries(root, '')) {
    if (key === 'environment') env = reader.stringMap(value, at, 'environment') ?? {}
  }
  return env
}

function displayName(source: string): string {
  return source === '-' ? '<stdin>' : source
}

function readProvider(reader: YamlReader, value: Value, at: YamlNode): {provider: Stack['provider']; nameAt: YamlNode} {
  const provider: Stack['provider'] = {name: ''}
  let nameAt = at
  if (value === null) return {provider, nameAt}
  if (!isMap(value)) reader.fail(value, 'provider', `expected a map with "name" and "gateway", got ${reader.kind(value)}`, at)
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

function readConfiguration(reader: YamlReader, value: Value, at: YamlNode): StackConfiguration | undefined {
  if (value === null) return undefined
  if (!isMap(value)) reader.fail(value, 'configuration', `expected a map, got ${reader.kind(value)}`, at)
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

function readTemplates(reader: YamlReader, value: Value, at: YamlNode): TemplateSource[] | undefined {
  const path = 'configuration.templates'
  if (value === null) return undefined
  if (!isSeq(value)) reader.fail(value, path, `expected a list of {name, source}, got ${reader.kind(value)}`, at)
  const out: TemplateSource[] = []
  value.items.forEach((item, i) => {
    const itemPath = `${path}[${i}]`
    const entry = reader.deref(item as YamlNode | null, itemPath)
    const template: TemplateSource = {name: ''}
    if (entry !== null) {
      if (!isMap(entry)) reader.fail(entry, itemPath, `expected a map with "name" and "source", got ${reader.kind(entry)}`, item as YamlNode)
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

function readFunctions(reader: YamlReader, value: Value, at: YamlNode): StackFunction[] {
  if (value === null) return []
  if (!isMap(value)) reader.fail(value, 'functions', `expected a map of function name to settings, got ${reader.kind(value)}`, at)
  const out: StackFunction[] = []
  for (const e of reader.entries(value, 'functions')) {
    if (e.key.trim() === '') reader.fail(e.keyNode, 'functions', 'a function needs a name (the key under "functions" is empty)', at)
    out.push(readFunction(reader, e.key, e.value, e.at))
  }
  return out
}

const STRING_FIELDS = ['lang', 'handler', 'image', 'fprocess', 'namespace', 'platforms'] as const
const BOOL_FIELDS = ['skip_build', 'readonly_root_filesystem'] as const
const MAP_FIELDS = ['environment', 'labels', 'annotations', 'build_args', 'build_secrets'] as const
const LIST_FIELDS = ['environment_file', 'secrets', 'constraints', 'build_options'] as const

function readFunction(reader: YamlReader, name: string, value: Value, at: YamlNode): StackFunction {
  const base = `functions.${name}`
  const fn: StackFunction = {name}
  if (value === null) return fn
  if (!isMap(value)) reader.fail(value, base, `expected a map of function settings, got ${reader.kind(value)}`, at)
  for (const e of reader.entries(value, base)) {
    const path = `${base}.${e.key}`
    const key = e.key as keyof StackFunction
    if ((STRING_FIELDS as readonly string[]).includes(key)) {
      const s = reader.string(e.value, e.at, path)
      if (s !== undefined) (fn as unknown as Record<string, string>)[key] = s
    } else if ((BOOL_FIELDS as readonly string[]).includes(key)) {
      const b = reader.bool(e.value, e.at, path)
      if (b !== undefined) (fn as unknown as Record<string, boolean>)[key] = b
    } else if ((MAP_FIELDS as readonly string[]).includes(key)) {
      const m = reader.stringMap(e.value, e.at, path)
      if (m !== undefined) (fn as unknown as Record<string, Record<string, string>>)[key] = m
    } else if ((LIST_FIELDS as readonly string[]).includes(key)) {
      const l = reader.stringList(e.value, e.at, path)
      if (l !== undefined) (fn as unknown as Record<string, string[]>)[key] = l
    } else if (key === 'limits' || key === 'requests') {
      const r = reader.stringMap(e.value, e.at, path)
      if (r !== undefined) fn[key] = r as FunctionResources
    }
  }
  // faas-cli normalises `--lang Dockerfile` but not `lang: Dockerfile` in a stack file (its loop
  // edits a copy, spec §10), so it then looks for a template named "Dockerfile". Fixed here.
  if (fn.lang !== undefined && fn.lang.toLowerCase() === 'dockerfile') fn.lang = 'dockerfile'
  return fn
}

/** Walks a parsed YAML document with positions for every error. */
class YamlReader {
  readonly lines = new LineCounter()
  readonly doc: Document.Parsed
  rootNode: YamlNode | null = null
  private readonly anchors = new Map<Alias, YamlNode | undefined>()
  private readonly mergedEntries = new WeakMap<YAMLMap, Entry[]>()

  readonly source: string

  constructor(
    readonly text: string,
    source: string,
  ) {
    this.source = oneLine(source)
    try {
      this.doc = parseDocument(text, {
        merge: true,
        // duplicate keys are found by indexDocument (linear)
        uniqueKeys: false,
        prettyErrors: false,
        lineCounter: this.lines,
        keepSourceTokens: false,
      })
    } catch (err) {
      // The library reports problems through doc.errors; anything thrown is still a bad file.
      throw new FaasError(`${this.source}: invalid YAML: ${oneLine(errorMessage(err))}`)
    }
    const error = this.doc.errors[0]
    if (error) {
      const offset = error.pos?.[0] ?? 0
      const what = this.describeSyntaxError(error.code, error.message)
      throw new FaasError(oneLine(`${this.position(offset)}: invalid YAML: ${what}`), {hint: 'Check the indentation and quoting around that position'})
    }
    this.indexDocument()
  }

  root(): Value {
    const contents = this.doc.contents as YamlNode | null
    this.rootNode = contents
    return this.deref(contents, '')
  }

  private describeSyntaxError(code: string, message: string): string {
    if (code === 'MULTIPLE_DOCS') return 'the file holds more than one YAML document (---); a stack file is a single document'
    return oneLine(message).replace(/\s+at line \d+, column \d+.*$/, '')
  }

  position(offset: number): string {
    const {line, col} = this.lines.linePos(offset)
    // linePos reports line 0 before the first newline is seen
    return `${this.source}:${Math.max(1, line)}:${col}`
  }

  where(node: YamlNode | null): string {
    const offset = node?.range?.[0]
    return offset === undefined ? this.source : this.position(offset)
  }

  /**
   * Throw a positioned error. `node` is the offending value; `fallback` is where it is written,
   * preferred when that is an alias (point at the use, not at the anchor) or `node` has no range.
   */
  fail(node: YamlNode | null, path: string, message: string, fallback?: YamlNode): never {
    const at = fallback && (isAlias(fallback) || !node?.range) ? fallback : node
    throw new FaasError(oneLine(`${this.where(at ?? null)}: ${path ? `${path}: ` : ''}${message}`))
  }

  kind(node: Value): string {
    if (node === null) return 'nothing'
    if (isMap(node)) return 'a map'
    if (isSeq(node)) return 'a list'
    const v = node.value
    if (v === null) return 'null'
    switch (typeof v) {
      case 'string':
        return 'a string'
      case 'number':
      case 'bigint':
        return 'a number'
      case 'boolean':
        return 'a boolean'
      default:
        return 'a scalar'
    }
  }

  /** Follow an alias to its anchored node; `null` stays `null`. */
  deref(node: YamlNode | null | undefined, path: string): Value {
    if (node === null || node === undefined) return null
    if (isAlias(node)) {
      const target = this.resolveAlias(node)
      if (target === undefined) this.fail(node, path, `unknown alias *${node.source}`)
      return this.deref(target, path)
    }
    if (isScalar(node)) return node.value === null ? null : node
    if (isMap(node) || isSeq(node)) return node
    return null
  }

  private resolveAlias(alias: Alias): YamlNode | undefined {
    return this.anchors.get(alias)
  }

  /**
   * One ordered, iterative pass over the whole document (deep nesting cannot overflow the stack):
   * - resolve every alias to the last node with its anchor *completed* before the alias (the
   *   library's own lookup walks the document once per alias);
   * - reject duplicate keys in any map, as yaml.v3 does, comparing keys by their text (`1` and
   *   "1" collide, as in Go). The library's own check is quadratic per map, which a 1,000-function
   *   `functions:` map feels.
   */
  private indexDocument(): void {
    const resolved = this.anchors
    const current = new Map<string, YamlNode>()
    type Frame = {node: YamlNode; done: boolean}
    const todo: Frame[] = []
    if (this.doc.contents) todo.push({node: this.doc.contents as YamlNode, done: false})
    const children: YamlNode[] = []
    while (todo.length > 0) {
      const frame = todo.pop() as Frame
      const {node} = frame
      if (frame.done) {
        if (node.anchor) current.set(node.anchor, node)
        continue
      }
      if (isAlias(node)) {
        resolved.set(node, current.get(node.source))
        continue
      }
      if (node.anchor) todo.push({node, done: true})
      children.length = 0
      if (isMap(node)) {
        let keys: Map<string, YamlNode> | undefined
        for (const pair of node.items) {
          const key = pair.key as YamlNode | null
          if (key && typeof key === 'object') {
            children.push(key)
            if (isScalar(key) && !isMergeKey(key)) {
              const text = scalarText(key) ?? ''
              keys ??= new Map()
              const first = keys.get(text)
              if (first) {
                const line = first.range ? this.lines.linePos(first.range[0]).line : 0
                throw new FaasError(oneLine(`${this.where(key)}: invalid YAML: duplicate key ${JSON.stringify(text.slice(0, 80))}${line ? ` (first at line ${line})` : ''}`))
              }
              keys.set(text, key)
            }
          }
          if (pair.value && typeof pair.value === 'object') children.push(pair.value as YamlNode)
        }
      } else if (isSeq(node)) {
        for (const item of node.items) if (item && typeof item === 'object') children.push(item as YamlNode)
      }
      for (let i = children.length - 1; i >= 0; i--) todo.push({node: children[i], done: false})
    }
  }

  private keyString(keyNode: YamlNode | null, path: string, fallback: YamlNode | null): string {
    const key = this.deref(keyNode, path)
    if (key === null) return ''
    if (!isScalar(key)) this.fail(key, path, `expected a string key, got ${this.kind(key)}`, (keyNode ?? fallback) as YamlNode)
    return scalarText(key) ?? ''
  }

  /**
   * The entries of a map in file order, with `<<` merge keys applied the YAML way: keys written
   * in the map win over merged ones, and among merged maps the earlier one wins.
   */
  entries(map: YAMLMap, path: string, depth = 0): Entry[] {
    const cached = this.mergedEntries.get(map)
    if (cached) return cached
    if (depth > MAX_MERGE_DEPTH) this.fail(map, path, `"<<" merge keys nested more than ${MAX_MERGE_DEPTH} deep`)
    const own = new Set<string>()
    const rows: Array<Entry | {merge: Value; at: YamlNode}> = []
    for (const pair of map.items) {
      const keyNode = pair.key as YamlNode | null
      const valueNode = pair.value as YamlNode | null
      if (isMergeKey(keyNode)) {
        rows.push({merge: this.deref(valueNode, path), at: (valueNode ?? keyNode) as YamlNode})
        continue
      }
      const key = this.keyString(keyNode, path, map)
      const at = (valueNode ?? keyNode ?? map) as YamlNode
      if (own.has(key)) this.fail(keyNode ?? map, path, `duplicate key ${JSON.stringify(oneLine(key))}`)
      own.add(key)
      rows.push({key, keyNode: (keyNode ?? map) as YamlNode, value: this.deref(valueNode, path ? `${path}.${key}` : key), at})
    }
    const seen = new Set<string>()
    const out: Entry[] = []
    for (const row of rows) {
      if ('key' in row) {
        if (!seen.has(row.key)) {
          seen.add(row.key)
          out.push(row)
        }
        continue
      }
      const sources: Array<{node: Value; at: YamlNode}> = []
      if (row.merge !== null && isSeq(row.merge)) {
        for (const item of row.merge.items) sources.push({node: this.deref(item as YamlNode | null, path), at: (item ?? row.at) as YamlNode})
      } else sources.push({node: row.merge, at: row.at})
      for (const source of sources) {
        if (source.node === null || !isMap(source.node)) {
          this.fail(source.node, path ? `${path}.<<` : '<<', `merge key "<<" needs a map or a list of maps, got ${this.kind(source.node)}`, source.at)
        }
        for (const entry of this.entries(source.node, path, depth + 1)) {
          if (own.has(entry.key) || seen.has(entry.key)) continue
          seen.add(entry.key)
          out.push(entry)
        }
      }
    }
    this.mergedEntries.set(map, out)
    return out
  }

  /** A scalar read into a string field; `undefined` for null / no value. */
  string(value: Value, at: YamlNode, path: string): string | undefined {
    if (value === null) return undefined
    if (!isScalar(value)) this.fail(value, path, `expected a string, got ${this.kind(value)}`, at)
    return scalarText(value)
  }

  /** A string inside a list or map, where null reads as "" (as yaml.v3 does). */
  private element(value: Value, at: YamlNode, path: string): string {
    return this.string(value, at, path) ?? ''
  }

  bool(value: Value, at: YamlNode, path: string): boolean | undefined {
    if (value === null) return undefined
    if (!isScalar(value)) this.fail(value, path, `expected true or false, got ${this.kind(value)}`, at)
    if (typeof value.value === 'boolean') return value.value
    if (value.value === null) return undefined
    // yaml.v3 also reads the YAML 1.1 words into bool fields when they are not quoted
    if (typeof value.value === 'string' && (value.type === undefined || value.type === Scalar.PLAIN)) {
      if (/^(?:y|Y|yes|Yes|YES|on|On|ON)$/.test(value.value)) return true
      if (/^(?:n|N|no|No|NO|off|Off|OFF)$/.test(value.value)) return false
    }
    this.fail(value, path, `expected true or false, got ${JSON.stringify(oneLine(scalarText(value) ?? '').slice(0, 60))}`, at)
  }

  stringMap(value: Value, at: YamlNode, path: string): Record<string, string> | undefined {
    if (value === null) return undefined
    if (!isMap(value)) this.fail(value, path, `expected a map of strings, got ${this.kind(value)}`, at)
    const out: Record<string, string> = Object.create(null)
    for (const e of this.entries(value, path)) {
      out[e.key] = this.element(e.value, e.at, `${path}.${e.key}`)
    }
    // plain object for callers (JSON, spreading); null prototype only guarded against __proto__
    return {...out}
  }

  stringList(value: Value, at: YamlNode, path: string): string[] | undefined {
    if (value === null) return undefined
    if (!isSeq(value)) this.fail(value, path, `expected a list of strings, got ${this.kind(value)}`, at)
    return value.items.map((item, i) => {
      const itemPath = `${path}[${i}]`
      return this.element(this.deref(item as YamlNode | null, itemPath), (item ?? value) as YamlNode, itemPath)
    })
  }
}

function isMergeKey(key: YamlNode | null): boolean {
  if (!key || !isScalar(key)) return false
  const v = key.value
  return (typeof v === 'symbol' && v.description === '<<') || (v === '<<' && (key.type === undefined || key.type === Scalar.PLAIN))
}

/**
 * A scalar as yaml.v3 stores it in a Go string: the text as written (after quotes and escapes
 * are processed) for every type, so `1.0` stays "1.0" and `0x1F` stays "0x1F"; null → undefined.
 */
function scalarText(node: Scalar): string | undefined {
  const v = node.value
  if (typeof v === 'string') return v
  if (v === null || v === undefined) return undefined
  if (typeof node.source === 'string') return node.source
  return String(v)
}
