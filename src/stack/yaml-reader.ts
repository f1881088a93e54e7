/**
 * Stack files through js-yaml, two readers for parse.ts's model walk (reader.ts's TreeReader):
 *
 * - FastReader (bottom of this file) reads js-yaml's plain values: nulls, the bool words and
 *   `<<` are resolved by js-yaml only in plain scalars (so `"true"` stays a string), every other
 *   scalar is the string as written. It has no positions: anything doubtful and every error
 *   throws NEEDS_FULL_READER, and the positioned reader decides.
 * - YamlReader adds what errors need through js-yaml's parse listener, which sees every node
 *   close: each scalar becomes a Scalar (its text as written, whether it was plain, where it
 *   starts), an alias an Alias that points at the anchored node and remembers where it is used
 *   (an error points at the use, not at the anchor), and maps and lists carry their offset and
 *   their keys in file order under symbols. Line and column are counted only for an error.
 *
 * Both keep faas-cli's typing of scalars (Go's yaml.v3 into string and bool fields: `1.0` stays
 * "1.0", `0755` stays "0755", `true` in an env map is "true"), and apply `<<` merge keys with
 * js-yaml's rules (a merged key fills a key not set yet, so the earlier merge wins and a key
 * written in the map wins). The walk reads only the fields the model knows, and js-yaml shares
 * anchored values rather than copying them, so there are no alias bombs.
 */
import jsYaml from 'js-yaml'
import type {YAMLException} from 'js-yaml'

import {errorMessage, FaasError} from '../errors.js'
import {MAX_MERGE_DEPTH} from './reader.js'
import type {Entry, TreeReader} from './reader.js'
import {oneLine} from './text.js'

const PLAIN = 0
const QUOTED = 1
const TAGGED = 2

/** A scalar as written: its text after quotes and escapes, how it was written, where it starts. */
export class Scalar {
  constructor(
    readonly text: string,
    /** PLAIN, QUOTED (quoted or block scalar) or TAGGED (explicit tag). */
    readonly style: number,
    /** The resolved tag of a TAGGED scalar. */
    readonly tag: string | null,
    /** Offset where the listener saw the node open (before separating space and properties). */
    readonly open: number,
  ) {}

  /** The string key this scalar was stored under (set when js-yaml stores it as a key). */
  key?: string

  /**
   * js-yaml turns keys into strings with String(): a key is its text, a null key is "" (as in
   * Go), and each plain `<<` gets a key of its own, so several merges in one map stay apart.
   */
  toString(): string {
    if (frameKeys.length > 0) (frameKeys[frameKeys.length - 1] ??= []).push(this)
    if (this.key === undefined) {
      if (this.style !== PLAIN) this.key = this.text
      else if (this.text === '<<') this.key = `${MERGE_PREFIX}${mergeKeys++}`
      else this.key = NULL_WORD.test(this.text) ? '' : this.text
    }
    return this.key
  }
}
// js-yaml stringifies a key only when Object.prototype.toString does not say [object Object]
Object.defineProperty(Scalar.prototype, Symbol.toStringTag, {value: 'Scalar'})

/** An alias (`*name`) where it is used; `target` is the anchored node, or UNKNOWN. */
export class Alias {
  constructor(
    readonly name: string,
    readonly target: YamlNode | null | typeof UNKNOWN,
    readonly open: number,
  ) {}

  toString(): string {
    return this.target instanceof Scalar ? this.target.toString() : `*${this.name}`
  }
}
Object.defineProperty(Alias.prototype, Symbol.toStringTag, {value: 'Alias'})

/** An alias whose anchor is not complete where it is used (it refers to a node that contains it). */
const UNKNOWN = Symbol('unknown anchor')
const MERGE_PREFIX = '\u0000<<'
let mergeKeys = 0

/**
 * For each node js-yaml has open (innermost last), the keys stored into it so far: a key is
 * turned into a string (Scalar.toString) just before js-yaml stores it into the innermost open
 * map. That gives every map its keys in file order with their positions.
 */
let frameKeys: Array<Scalar[] | undefined> = []

/**
 * Maps and lists carry what the reader knows about them under symbols (js-yaml's objects are
 * plain, and symbol keys stay out of Object.keys): where they opened, a map's keys as written
 * (JS objects put integer-like keys first, the file order is kept here), merged entries.
 */
const OPEN = Symbol('open')
const KEYS = Symbol('keys')
const ENTRIES = Symbol('entries')
interface Tagged {
  [OPEN]?: number
  [KEYS]?: Scalar[]
  [ENTRIES]?: Array<Entry<YamlNode>>
}

export type YamlMap = Record<string, unknown>
export type YamlNode = Scalar | Alias | YamlMap | unknown[]

/** Keep every scalar's text: failsafe schema, and explicit tags that construct nothing. */
const SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend(
  ['null', 'bool', 'int', 'float', 'timestamp', 'binary'].map((name) => new jsYaml.Type(`tag:yaml.org,2002:${name}`, {kind: 'scalar', resolve: () => true, construct: (data: string | null) => data ?? ''})),
)

interface ListenerState {
  position: number
  kind: string | null
  result: unknown
  tag: string | null
  anchor: string | null
  input: string
}

/** Walks a parsed stack file with positions for every error. */
export class YamlReader implements TreeReader<YamlNode> {
  readonly source: string
  private readonly rootNode: YamlNode | null
  private lineStarts?: number[]

  /** Parses `text` at once: a syntax error or duplicate key throws here. */
  constructor(
    readonly text: string,
    source: string,
  ) {
    this.source = oneLine(source)
    const anchors = new Map<string, YamlNode | null>()
    const opens: number[] = []
    const keys: Array<Scalar[] | undefined> = []
    const listener = (event: 'open' | 'close', state: ListenerState): void => {
      if (event === 'open') {
        opens.push(state.position)
        keys.push(undefined)
        return
      }
      const open = opens.pop() ?? 0
      const written = keys.pop()
      let node = state.result as YamlNode | null
      if (state.kind === 'scalar') {
        if (!(node instanceof Scalar)) {
          const style = state.tag === '?' ? PLAIN : state.tag === null ? QUOTED : TAGGED
          node = new Scalar(typeof state.result === 'string' ? state.result : '', style, style === TAGGED ? state.tag : null, open)
          state.result = node
        }
      } else if (state.kind === 'mapping' || state.kind === 'sequence') {
        const tagged = node as Tagged | null
        if (tagged !== null && typeof tagged === 'object' && tagged[OPEN] === undefined) {
          tagged[OPEN] = open
          if (written !== undefined && state.kind === 'mapping') tagged[KEYS] = written
        }
      } else if (node !== null && !(node instanceof Alias) && !(node instanceof Scalar)) {
        // no kind and a value: an alias (js-yaml hands over the anchored value itself)
        const at = contentStart(state.input, open)
        const name = aliasName(state.input, at)
        node = new Alias(name, anchors.has(name) ? (anchors.get(name) as YamlNode | null) : UNKNOWN, at)
        state.result = node
      }
      if (state.anchor !== null && state.anchor !== undefined) anchors.set(state.anchor, node)
    }
    frameKeys = keys
    try {
      this.rootNode = (jsYaml.load(text, {schema: SCHEMA, listener, maxDepth: 10_000} as unknown as jsYaml.LoadOptions) ?? null) as YamlNode | null
    } catch (err) {
      throw this.syntaxError(err, keys.at(-1) ?? [])
    } finally {
      frameKeys = []
    }
  }

  private syntaxError(err: unknown, keys: Scalar[]): FaasError {
    const e = err as YAMLException & {mark?: {position: number}}
    if (e?.name === 'YAMLException' && /single document in the stream/.test(e.reason ?? '')) {
      // js-yaml gives no position here: the second document starts at a "---" line
      const marker = /^---(?=\s|$)/gm
      let at = -1
      for (let m = marker.exec(this.text), n = 0; m; m = marker.exec(this.text), n++) {
        at = m.index
        if (n > 0 || this.text.slice(0, m.index).trim().replace(/^(%.*|#.*)$/gm, '').trim() !== '') break
      }
      return new FaasError(`${at < 0 ? this.source : this.position(at)}: invalid YAML: the file holds more than one YAML document (---); a stack file is a single document`, {hint: 'Keep one document: remove the "---" separators'})
    }
    if (e?.name !== 'YAMLException' || !e.mark) return new FaasError(`${this.source}: invalid YAML: ${oneLine(errorMessage(err))}`)
    const reason = e.reason ?? e.message
    const offset = e.mark.position
    if (reason === 'duplicated mapping key') return new FaasError(oneLine(this.duplicateKey(offset, keys)))
    const alias = /^unidentified alias "(.*)"$/.exec(reason)
    if (alias) {
      const at = this.text.lastIndexOf('*', offset)
      return new FaasError(oneLine(`${this.position(at < 0 ? offset : at)}: unknown alias *${alias[1]}`), {hint: 'Define the anchor (&name) before the alias that uses it'})
    }
    return new FaasError(oneLine(`${this.position(offset)}: invalid YAML: ${reason}`), {hint: 'Check the indentation and quoting around that position'})
  }

  /** The duplicate key js-yaml stopped at (the last key of the innermost open map) and where the first one is. */
  private duplicateKey(offset: number, keys: Scalar[]): string {
    const key = keys.at(-1)
    if (!key) return `${this.position(offset)}: invalid YAML: duplicate key`
    const name = String(key)
    const first = keys.slice(0, -1).find((k) => keyText(k) === name)
    const firstLine = first ? ` (first at line ${this.lineCol(contentStart(this.text, first.open)).line})` : ''
    return `${this.position(contentStart(this.text, key.open))}: invalid YAML: duplicate key ${JSON.stringify(name.slice(0, 80))}${firstLine}`
  }

  root(): {value: YamlNode | null; at: YamlNode | null} {
    return {value: this.deref(this.rootNode, ''), at: this.rootNode}
  }

  isMap(value: YamlNode): boolean {
    return isMap(value)
  }

  isSeq(value: YamlNode): boolean {
    return Array.isArray(value)
  }

  items(seq: YamlNode): Array<YamlNode | null> {
    return seq as Array<YamlNode | null>
  }

  private lineCol(offset: number): {line: number; col: number} {
    if (!this.lineStarts) {
      const starts = [0]
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1)
      this.lineStarts = starts
    }
    const starts = this.lineStarts
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid] <= offset) lo = mid
      else hi = mid - 1
    }
    return {line: lo + 1, col: offset - starts[lo] + 1}
  }

  position(offset: number): string {
    const {line, col} = this.lineCol(offset)
    return `${this.source}:${line}:${col}`
  }

  private offsetOf(node: YamlNode | null): number | undefined {
    if (node === null) return undefined
    if (node instanceof Scalar) return contentStart(this.text, node.open)
    if (node instanceof Alias) return node.open
    const open = (node as Tagged)[OPEN]
    return open === undefined ? undefined : contentStart(this.text, open)
  }

  where(node: YamlNode | null): string {
    const offset = this.offsetOf(node)
    return offset === undefined ? this.source : this.position(offset)
  }

  /**
   * Throw a positioned error. `node` is the offending value; `fallback` is where it is written,
   * preferred when that is an alias (point at the use, not at the anchor) or `node` has no position.
   */
  fail(node: YamlNode | null, path: string, message: string, fallback?: YamlNode): never {
    const at = fallback && (fallback instanceof Alias || this.offsetOf(node) === undefined) ? fallback : node
    throw new FaasError(oneLine(`${this.where(at ?? null)}: ${path ? `${path}: ` : ''}${message}`))
  }

  kind(node: YamlNode | null): string {
    if (node === null) return 'nothing'
    if (Array.isArray(node)) return 'a list'
    if (node instanceof Scalar) {
      switch (scalarType(node)) {
        case 'null':
          return 'null'
        case 'bool':
          return 'a boolean'
        case 'int':
        case 'float':
          return 'a number'
        default:
          return 'a string'
      }
    }
    if (isMap(node)) return 'a map'
    return 'a scalar'
  }

  /** Follow an alias to its anchored node; a null scalar becomes `null`. */
  deref(node: YamlNode | null | undefined, path: string): YamlNode | null {
    if (node === null || node === undefined) return null
    if (node instanceof Alias) {
      if (node.target === UNKNOWN) this.fail(node, path, `unknown alias *${node.name}`)
      return this.deref(node.target, path)
    }
    if (node instanceof Scalar) return isNullScalar(node) ? null : node
    return node
  }

  /**
   * The entries of a map in file order, with `<<` merge keys applied the YAML way: keys written
   * in the map win over merged ones, and among merged maps the earlier one wins.
   */
  entries(node: YamlNode, path: string, depth = 0): Array<Entry<YamlNode>> {
    const map = node as YamlMap
    const cached = (map as Tagged)[ENTRIES]
    if (cached) return cached
    if (depth > MAX_MERGE_DEPTH) this.fail(map, path, `"<<" merge keys nested more than ${MAX_MERGE_DEPTH} deep`)
    const keys = this.orderedKeys(map)
    let out: Array<Entry<YamlNode>> = []
    let merges = false
    for (const [key, keyNode] of keys) {
      if (key.startsWith(MERGE_PREFIX)) {
        merges = true
        break
      }
      const written = map[key] as YamlNode | null
      const value = written instanceof Scalar ? (isNullScalar(written) ? null : written) : this.deref(written, path ? `${path}.${key}` : key)
      out.push({key, keyNode, value, at: written ?? keyNode})
    }
    if (merges) out = this.mergedEntries(map, keys, path, depth)
    // a map read through a merge may be merged again (chains of anchors): read it once
    if (depth > 0) (map as Tagged)[ENTRIES] = out
    return out
  }

  /**
   * A map with `<<` keys, in file order, with js-yaml's rules for merge keys (so both readers
   * agree): a merged key fills a key not set yet (the earlier merge wins), and a key written
   * after the merge replaces the merged value where the merge put it.
   */
  private mergedEntries(map: YamlMap, keys: Array<[string, YamlNode]>, path: string, depth: number): Array<Entry<YamlNode>> {
    const byKey = new Map<string, Entry<YamlNode>>()
    for (const [key, keyNode] of keys) {
      const written = map[key] as YamlNode | null
      if (!key.startsWith(MERGE_PREFIX)) {
        byKey.set(key, {key, keyNode, value: this.deref(written, path ? `${path}.${key}` : key), at: written ?? keyNode})
        continue
      }
      const merge = this.deref(written, path)
      const sources: Array<{node: YamlNode | null; at: YamlNode}> = []
      if (merge !== null && Array.isArray(merge)) {
        for (const item of merge as Array<YamlNode | null>) sources.push({node: this.deref(item, path), at: item ?? merge})
      } else sources.push({node: merge, at: written ?? keyNode})
      for (const source of sources) {
        if (source.node === null || !isMap(source.node)) {
          this.fail(source.node, path ? `${path}.<<` : '<<', `merge key "<<" needs a map or a list of maps, got ${this.kind(source.node)}`, source.at)
        }
        for (const entry of this.entries(source.node, path, depth + 1)) {
          if (!byKey.has(entry.key)) byKey.set(entry.key, entry)
        }
      }
    }
    return [...byKey.values()]
  }

  /** A map's keys in file order, each with the node it is written as (the map itself when unknown). */
  private orderedKeys(map: YamlMap): Array<[string, YamlNode]> {
    const written = (map as Tagged)[KEYS]
    const count = Object.keys(map).length
    // the usual case: every key written once
    if (written?.length === count) return written.map((node) => [keyText(node), node])
    const out: Array<[string, YamlNode]> = []
    const listed = new Set<string>()
    if (written) {
      for (const node of written) {
        const key = keyText(node)
        if (listed.has(key) || !Object.hasOwn(map, key)) continue
        listed.add(key)
        out.push([key, node])
      }
    }
    if (listed.size !== count) {
      for (const key of Object.keys(map)) if (!listed.has(key)) out.push([key, map])
    }
    return out
  }

  /** A scalar read into a string field; `undefined` for null / no value. */
  string(value: YamlNode | null, at: YamlNode, path: string): string | undefined {
    if (value === null) return undefined
    if (!(value instanceof Scalar)) this.fail(value, path, `expected a string, got ${this.kind(value)}`, at)
    return value.text
  }

  /** A string inside a list or map, where null reads as "" (as yaml.v3 does). */
  private element(value: YamlNode | null, at: YamlNode, path: string): string {
    return this.string(value, at, path) ?? ''
  }

  bool(value: YamlNode | null, at: YamlNode, path: string): boolean | undefined {
    if (value === null) return undefined
    if (!(value instanceof Scalar)) this.fail(value, path, `expected true or false, got ${this.kind(value)}`, at)
    const type = scalarType(value)
    if (type === 'bool') {
      const word = coreBool(value.text)
      if (word !== undefined) return word
    }
    // yaml.v3 also reads the YAML 1.1 words into bool fields when they are not quoted
    if (value.style === PLAIN) {
      const word = yamlOneOneBool(value.text)
      if (word !== undefined) return word
    }
    this.fail(value, path, `expected true or false, got ${JSON.stringify(oneLine(value.text).slice(0, 60))}`, at)
  }

  stringMap(value: YamlNode | null, at: YamlNode, path: string): Record<string, string> | undefined {
    if (value === null) return undefined
    if (!isMap(value)) this.fail(value, path, `expected a map of strings, got ${this.kind(value)}`, at)
    // a plain object for callers (JSON, spreading), "__proto__" kept as an ordinary key
    const out: Record<string, string> = {}
    for (const e of this.entries(value, path)) {
      const text = e.value === null ? '' : e.value instanceof Scalar ? e.value.text : this.element(e.value, e.at, `${path}.${e.key}`)
      if (e.key === '__proto__') Object.defineProperty(out, e.key, {value: text, enumerable: true, writable: true, configurable: true})
      else out[e.key] = text
    }
    return out
  }

  stringList(value: YamlNode | null, at: YamlNode, path: string): string[] | undefined {
    if (value === null) return undefined
    if (!Array.isArray(value)) this.fail(value, path, `expected a list of strings, got ${this.kind(value)}`, at)
    return (value as Array<YamlNode | null>).map((item, i) => {
      const itemPath = `${path}[${i}]`
      return this.element(this.deref(item, itemPath), item ?? value, itemPath)
    })
  }
}

function keyText(node: Scalar): string {
  return node.key ?? node.text
}

function isMap(node: unknown): node is YamlMap {
  return node !== null && typeof node === 'object' && !Array.isArray(node) && !(node instanceof Scalar) && !(node instanceof Alias)
}

const NULL_WORD = /^(?:~|null|Null|NULL)$/
const BOOL_WORD = /^(?:true|True|TRUE|false|False|FALSE)$/
const INT_WORD = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/
const FLOAT_WORD = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/

/** The YAML 1.2 core-schema type of a scalar: plain ones by their text, tagged ones by their tag. */
/** A plain null (`~`, `null`, ...) or an explicit !!null: no value. */
function isNullScalar(node: Scalar): boolean {
  if (node.style === QUOTED) return false
  if (node.style === TAGGED) return node.tag === 'tag:yaml.org,2002:null'
  const t = node.text
  return t.length <= 4 && (t === '' || t === '~' || t === 'null' || t === 'Null' || t === 'NULL')
}

function scalarType(node: Scalar): 'null' | 'bool' | 'int' | 'float' | 'str' {
  if (node.style === QUOTED) return 'str'
  if (node.style === TAGGED) {
    const name = node.tag?.replace('tag:yaml.org,2002:', '')
    return name === 'null' || name === 'bool' || name === 'int' || name === 'float' ? name : 'str'
  }
  const text = node.text
  if (text === '' || NULL_WORD.test(text)) return 'null'
  const first = text.charCodeAt(0)
  // only words starting with a digit, a sign, a dot or t/T/f/F can be anything but a string
  if (first === 0x74 || first === 0x54 || first === 0x66 || first === 0x46) return BOOL_WORD.test(text) ? 'bool' : 'str'
  if ((first >= 0x30 && first <= 0x39) || first === 0x2b || first === 0x2d || first === 0x2e) {
    if (INT_WORD.test(text)) return 'int'
    if (FLOAT_WORD.test(text)) return 'float'
  }
  return 'str'
}

function coreBool(text: string): boolean | undefined {
  if (/^(?:true|True|TRUE)$/.test(text)) return true
  if (/^(?:false|False|FALSE)$/.test(text)) return false
  return undefined
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

/**
 * Where a node's content starts, from where js-yaml opened it: past separating space, line
 * breaks and comments, and past its properties (`&anchor`, `!tag`).
 */
function contentStart(text: string, from: number): number {
  let i = from
  for (;;) {
    const c = text.charCodeAt(i)
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xfeff) i++
    else if (c === 0x23 && (i === 0 || isSpace(text.charCodeAt(i - 1)))) {
      // a comment, to the end of its line
      while (i < text.length && text.charCodeAt(i) !== 0x0a) i++
    } else if (c === 0x26 || c === 0x21) {
      // a property (&anchor, !tag): skip it, then the space after it
      while (i < text.length && !isSpace(text.charCodeAt(i))) i++
    } else return Math.min(i, text.length)
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
}

/** The name of the alias written at `at` (`*name`). */
function aliasName(text: string, at: number): string {
  if (text.charCodeAt(at) !== 0x2a) return ''
  let end = at + 1
  while (end < text.length && !/[\s,[\]{}]/.test(text[end])) end++
  return text.slice(at + 1, end)
}

/**
 * The fast path: plain js-yaml values, no positions. Nulls, the bool words and `<<` merge keys
 * are resolved by js-yaml itself (only in plain scalars, so quoting keeps "true" a string);
 * every other scalar stays the string as written. Anything that would be an error, or that the
 * plain values cannot tell apart from valid input (a quoted word in a bool field, a number as a
 * function name that JS would reorder), throws NEEDS_FULL_READER: YamlReader then decides.
 */
export const NEEDS_FULL_READER = Symbol('needs the full reader')

/** A plain true/false/yes/on/... : a bool field takes its value, a string field its text. */
class BoolWord {
  constructor(
    readonly text: string,
    readonly value: boolean,
  ) {}

  toString(): string {
    return this.text
  }
}
Object.defineProperty(BoolWord.prototype, Symbol.toStringTag, {value: 'BoolWord'})

function boolWord(text: string): boolean | undefined {
  if (text.length > 5) return undefined
  return coreBool(text) ?? yamlOneOneBool(text)
}

const FAST_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsYaml.Type('tag:yaml.org,2002:null', {kind: 'scalar', resolve: (data: string | null) => data === null || (data.length <= 4 && (data === '~' || data === 'null' || data === 'Null' || data === 'NULL')), construct: () => null}),
    new jsYaml.Type('tag:yaml.org,2002:bool', {kind: 'scalar', resolve: (data: string | null) => data !== null && boolWord(data) !== undefined, construct: (data: string) => new BoolWord(data, boolWord(data)!)}),
    // not js-yaml's own merge: FastReader applies merges with the full reader's rules
    new jsYaml.Type('tag:faas,merge', {kind: 'scalar', resolve: (data: string | null) => data === '<<', construct: () => MERGE_KEY}),
  ],
})

/** A plain `<<`: as a key, the mark of a merge; as a value, the text "<<". */
const MERGE_KEY = Object.freeze(Object.defineProperties(Object.create(null) as object, {
  toString: {value: () => MERGE_PREFIX},
  [Symbol.toStringTag]: {value: 'MergeKey'},
}))

type Plain = string | BoolWord | typeof MERGE_KEY | Record<string, unknown> | unknown[]

/** Parse with js-yaml into plain values; NEEDS_FULL_READER for any error. */
export function fastReader(text: string, source: string): TreeReader<Plain> {
  let root: unknown
  try {
    root = jsYaml.load(text, {schema: FAST_SCHEMA, maxDepth: 10_000, maxTotalMergeKeys: 1_000_000} as unknown as jsYaml.LoadOptions)
  } catch {
    throw NEEDS_FULL_READER
  }
  return new FastReader((root ?? null) as Plain | null, oneLine(source))
}

function needsFull(): never {
  throw NEEDS_FULL_READER
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/

class FastReader implements TreeReader<Plain> {
  constructor(
    private readonly data: Plain | null,
    readonly source: string,
  ) {}

  root(): {value: Plain | null; at: Plain | null} {
    return {value: this.data, at: this.data}
  }

  isMap(value: Plain): boolean {
    return typeof value === 'object' && !Array.isArray(value) && !(value instanceof BoolWord) && value !== MERGE_KEY
  }

  isSeq(value: Plain): boolean {
    return Array.isArray(value)
  }

  items(seq: Plain): Array<Plain | null> {
    return seq as Array<Plain | null>
  }

  deref(node: Plain | null): Plain | null {
    return node ?? null
  }

  private readonly reading = new Set<object>()
  /** Merge sources already read (chains of anchors merge the same maps many times). */
  private readonly read = new Map<object, Array<Entry<Plain>>>()

  entries(node: Plain, _path?: string, depth = 0, anyOrder = false): Array<Entry<Plain>> {
    const map = node as Record<string, Plain | null>
    const keys = Object.keys(map)
    const out: Array<Entry<Plain>> = []
    let merges = false
    for (const key of keys) {
      if (key === MERGE_PREFIX) merges = true
      // JS objects list integer-like keys first (the full reader keeps the file order), and a
      // null key (`~:`) reads as "" in Go but js-yaml made it "null", like a quoted "null"
      else if (key.length <= 10 && (key === 'null' || (!anyOrder && ARRAY_INDEX.test(key)))) needsFull()
      const value = map[key] ?? null
      out.push({key, keyNode: map, value, at: value ?? map})
    }
    return merges ? this.merged(map, out, depth, anyOrder) : out
  }

  /** The full reader's merge rules: a merged key fills a key not set yet, a later key replaces it in place. */
  private merged(map: object, rows: Array<Entry<Plain>>, depth: number, anyOrder: boolean): Array<Entry<Plain>> {
    // a map that merges itself (its anchor used inside it) or chains too deep: the full reader decides
    if (depth > MAX_MERGE_DEPTH || this.reading.has(map)) needsFull()
    this.reading.add(map)
    const byKey = new Map<string, Entry<Plain>>()
    for (const row of rows) {
      if (row.key !== MERGE_PREFIX) {
        byKey.set(row.key, row)
        continue
      }
      const sources = Array.isArray(row.value) ? (row.value as Array<Plain | null>) : [row.value]
      for (const source of sources) {
        if (source === null || !this.isMap(source)) needsFull()
        let entries = this.read.get(source as object)
        if (!entries) {
          entries = this.entries(source, undefined, depth + 1, anyOrder)
          this.read.set(source as object, entries)
        }
        for (const entry of entries) if (!byKey.has(entry.key)) byKey.set(entry.key, entry)
      }
    }
    this.reading.delete(map)
    return [...byKey.values()]
  }

  string(value: Plain | null): string | undefined {
    if (value === null) return undefined
    if (typeof value === 'string') return value
    if (value instanceof BoolWord) return value.text
    if (value === MERGE_KEY) return '<<'
    return needsFull()
  }

  bool(value: Plain | null): boolean | undefined {
    if (value === null) return undefined
    if (value instanceof BoolWord) return value.value
    return needsFull()
  }

  stringMap(value: Plain | null): Record<string, string> | undefined {
    if (value === null) return undefined
    if (!this.isMap(value)) needsFull()
    const out: Record<string, string> = {}
    // the result is a JS object: integer-like keys come first whatever the order read
    for (const {key, value: item} of this.entries(value, undefined, 0, true)) {
      const text = this.string(item) ?? ''
      if (key === '__proto__') Object.defineProperty(out, key, {value: text, enumerable: true, writable: true, configurable: true})
      else out[key] = text
    }
    return out
  }

  stringList(value: Plain | null): string[] | undefined {
    if (value === null) return undefined
    if (!Array.isArray(value)) needsFull()
    return (value as Array<Plain | null>).map((item) => this.string(item) ?? '')
  }

  fail(): never {
    return needsFull()
  }

  kind(): string {
    return ''
  }

  where(): string {
    return this.source
  }
}
