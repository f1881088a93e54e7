/**
 * The full YAML reader: the `yaml` package composes the Document (every YAML construct), and this
 * class walks it for parse.ts with a file:line:col position on every error. It is the reference
 * behaviour: every error message a stack file can produce comes from here (the fast reader in
 * fast-yaml.ts only ever handles documents that parse cleanly).
 *
 * The library only builds the syntax tree; the walk reads the fields the model knows itself.
 * That is what gives each error a position, keeps numbers as their source text, and means
 * anchors/aliases cost only what the known fields reference (no alias bombs).
 */
import {Alias, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, YAMLMap} from 'yaml'
import type {Document, Node as YamlNode, YAMLSeq} from 'yaml'

import {errorMessage, FaasError} from '../errors.js'
import {MAX_MERGE_DEPTH} from './reader.js'
import type {Entry, TreeReader} from './reader.js'
import {oneLine} from './text.js'

export type {YamlNode}

/** Walks a parsed YAML document with positions for every error. */
export class YamlReader implements TreeReader<YamlNode> {
  readonly lines = new LineCounter()
  readonly doc: Document.Parsed
  private readonly anchors = new Map<Alias, YamlNode | undefined>()
  private readonly mergedEntries = new WeakMap<YAMLMap, Array<Entry<YamlNode>>>()

  readonly source: string

  /** Parses `text` at once: a syntax error or duplicate key throws here. */
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

  root(): {value: YamlNode | null; at: YamlNode | null} {
    const contents = this.doc.contents as YamlNode | null
    return {value: this.deref(contents, ''), at: contents}
  }

  isMap(value: YamlNode): boolean {
    return isMap(value)
  }

  isSeq(value: YamlNode): boolean {
    return isSeq(value)
  }

  items(seq: YamlNode): Array<YamlNode | null> {
    return (seq as YAMLSeq).items as Array<YamlNode | null>
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

  kind(node: YamlNode | null): string {
    if (node === null) return 'nothing'
    if (isMap(node)) return 'a map'
    if (isSeq(node)) return 'a list'
    const v = isScalar(node) ? node.value : undefined
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
  deref(node: YamlNode | null | undefined, path: string): YamlNode | null {
    if (node === null || node === undefined) return null
    if (isAlias(node)) {
      const target = this.anchors.get(node)
      if (target === undefined) this.fail(node, path, `unknown alias *${node.source}`)
      return this.deref(target, path)
    }
    if (isScalar(node)) return node.value === null ? null : node
    if (isMap(node) || isSeq(node)) return node
    return null
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
  entries(node: YamlNode, path: string, depth = 0): Array<Entry<YamlNode>> {
    const map = node as YAMLMap
    const cached = this.mergedEntries.get(map)
    if (cached) return cached
    if (depth > MAX_MERGE_DEPTH) this.fail(map, path, `"<<" merge keys nested more than ${MAX_MERGE_DEPTH} deep`)
    const own = new Set<string>()
    const rows: Array<Entry<YamlNode> | {merge: YamlNode | null; at: YamlNode}> = []
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
    const out: Array<Entry<YamlNode>> = []
    for (const row of rows) {
      if ('key' in row) {
        if (!seen.has(row.key)) {
          seen.add(row.key)
          out.push(row)
        }
        continue
      }
      const sources: Array<{node: YamlNode | null; at: YamlNode}> = []
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
  string(value: YamlNode | null, at: YamlNode, path: string): string | undefined {
    if (value === null) return undefined
    if (!isScalar(value)) this.fail(value, path, `expected a string, got ${this.kind(value)}`, at)
    return scalarText(value)
  }

  /** A string inside a list or map, where null reads as "" (as yaml.v3 does). */
  private element(value: YamlNode | null, at: YamlNode, path: string): string {
    return this.string(value, at, path) ?? ''
  }

  bool(value: YamlNode | null, at: YamlNode, path: string): boolean | undefined {
    if (value === null) return undefined
    if (!isScalar(value)) this.fail(value, path, `expected true or false, got ${this.kind(value)}`, at)
    if (typeof value.value === 'boolean') return value.value
    if (value.value === null) return undefined
    // yaml.v3 also reads the YAML 1.1 words into bool fields when they are not quoted
    if (typeof value.value === 'string' && (value.type === undefined || value.type === Scalar.PLAIN)) {
      const word = yamlOneOneBool(value.value)
      if (word !== undefined) return word
    }
    this.fail(value, path, `expected true or false, got ${JSON.stringify(oneLine(scalarText(value) ?? '').slice(0, 60))}`, at)
  }

  stringMap(value: YamlNode | null, at: YamlNode, path: string): Record<string, string> | undefined {
    if (value === null) return undefined
    if (!isMap(value)) this.fail(value, path, `expected a map of strings, got ${this.kind(value)}`, at)
    const out: Record<string, string> = Object.create(null)
    for (const e of this.entries(value, path)) {
      out[e.key] = this.element(e.value, e.at, `${path}.${e.key}`)
    }
    // plain object for callers (JSON, spreading); null prototype only guarded against __proto__
    return {...out}
  }

  stringList(value: YamlNode | null, at: YamlNode, path: string): string[] | undefined {
    if (value === null) return undefined
    if (!isSeq(value)) this.fail(value, path, `expected a list of strings, got ${this.kind(value)}`, at)
    return value.items.map((item, i) => {
      const itemPath = `${path}[${i}]`
      return this.element(this.deref(item as YamlNode | null, itemPath), (item ?? value) as YamlNode, itemPath)
    })
  }
}

/**
 * The YAML 1.1 boolean words yaml.v3 still accepts in a bool field when unquoted (`yes`, `on`,
 * `N`, ...); `undefined` for anything else. true/false themselves are core-schema booleans.
 */
export function yamlOneOneBool(plain: string): boolean | undefined {
  if (/^(?:y|Y|yes|Yes|YES|on|On|ON)$/.test(plain)) return true
  if (/^(?:n|N|no|No|NO|off|Off|OFF)$/.test(plain)) return false
  return undefined
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
