/**
 * A fast reader for the plain block YAML that stack files are written in: `key: value` maps,
 * `- item` lists (also the compact `key:\n- item` and `- key: value` forms), plain and
 * single-line quoted scalars, one-line flow lists and maps (`[a, b]`, `{k: v}`), comments,
 * `&anchor`, `*alias` and `<<` merge keys.
 *
 * Why it exists: the `yaml` package composes a full Document (CST → AST with ranges, tags,
 * comments) that costs ~150 ms for a rich 1,000-function stack; one pass over the lines here
 * costs a few ms. Why it is safe: it is only an accelerator. It gives up (returns `undefined`,
 * or its reader throws OUTSIDE_SUBSET) on
 *   - anything outside the subset: tabs, control or non-BMP characters, document markers,
 *     directives, tags, block scalars (`|`, `>`), multi-line plain or quoted scalars, explicit
 *     keys, multi-line or nested flow collections, escapes it does not know, ...;
 *   - anything that would be an error: bad indentation, duplicate keys, unknown aliases, and
 *     every type or validation problem the model walk finds.
 * parse.ts then runs the full reader (yaml-reader.ts), which alone produces results for those
 * documents and every error message with its position. So for a document both readers accept,
 * the Stack must be identical; test/stack/fast-yaml.test.ts checks that against the full reader
 * on the fuzz corpus and on targeted cases.
 *
 * Scalars follow the YAML 1.2 core schema as the `yaml` package resolves them, kept as text:
 * a plain scalar is its text (`1.0` stays "1.0") unless it is null (`~`, `null`, `Null`,
 * `NULL`, empty); bool fields read plain true/false spellings and the YAML 1.1 words.
 */
import {MAX_MERGE_DEPTH} from './reader.js'
import type {Entry, TreeReader} from './reader.js'
import {yamlOneOneBool} from './yaml-reader.js'

/** A scalar: its text after quotes and escapes; `plain` when it was written unquoted. */
export interface FastScalar {
  kind: 'scalar'
  text: string
  plain: boolean
}

/** A map's pairs in file order; a `null` key is a `<<` merge key (`merges` says whether there is one). */
export interface FastMap {
  kind: 'map'
  keys: Array<string | null>
  values: Array<FastNode | null>
  merges: boolean
}

export interface FastSeq {
  kind: 'seq'
  items: Array<FastNode | null>
}

/** A value of the fast tree: aliases are already resolved to the anchored node (shared, not copied). */
export type FastNode = FastScalar | FastMap | FastSeq

/** Thrown (one shared instance) when the fast path gives up; parse.ts catches it and reads fully. */
export const OUTSIDE_SUBSET: Error = new Error('outside the fast YAML subset')

function outside(): never {
  throw OUTSIDE_SUBSET
}

/**
 * Characters the subset allows: newline, printable ASCII and BMP text that YAML treats as plain
 * content. Excluded besides controls and tabs: NEL/LS/PS (line breaks in YAML 1.1, not in 1.2),
 * the BOM, surrogates (non-BMP text is rare; the full reader handles it).
 */
const OUTSIDE_CHARSET = /[^\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/

/** Null in the core schema, as the `yaml` package tests a plain scalar. */
const NULL_PLAIN = /^(?:~|[Nn]ull|NULL)?$/
const CORE_BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/
/** Anchor and alias names the subset accepts (YAML allows more; the full reader handles those). */
const ANCHOR_NAME = /^[\w.-]+$/
/** YAML's limit on an implicit (single-line) key. */
const MAX_KEY_LENGTH = 1024
/** Deeper documents go to the full reader (which walks iteratively). */
const MAX_DEPTH = 100

const SPACE = 0x20
const HASH = 0x23
const COLON = 0x3a
const DASH = 0x2d
const DQUOTE = 0x22
const SQUOTE = 0x27

/**
 * Parse `text` if it is within the subset and well-formed; `undefined` otherwise. `null` is an
 * empty document.
 */
export function parseFastYaml(text: string): {root: FastNode | null} | undefined {
  if (text.includes('\r')) {
    // CRLF files read the same as LF ones; a lone CR is left to the full reader
    if (/\r(?!\n)/.test(text)) return undefined
    text = text.replaceAll('\r\n', '\n')
  }
  if (OUTSIDE_CHARSET.test(text)) return undefined
  try {
    return {root: new Scanner(text).document()}
  } catch (err) {
    if (err === OUTSIDE_SUBSET) return undefined
    throw err
  }
}

/**
 * Line-oriented recursive descent. The cursor is always on a content line (not blank, not a
 * comment): `lineStart`, `lineEnd` (its newline), `indent` (its leading spaces; -1 at the end
 * of the text) and `content` (`lineStart + indent`).
 */
class Scanner {
  private lineStart = 0
  private lineEnd = -1
  private indent = -1
  private content = 0
  private depth = 0
  /** Completed anchors so far: an alias refers to the latest one defined before it. */
  private readonly anchors = new Map<string, FastNode | null>()

  constructor(private readonly text: string) {}

  document(): FastNode | null {
    this.advance()
    if (this.indent < 0) return null
    const root = this.blockNode()
    if (this.indent >= 0) outside() // content after the root, at a smaller indent
    return root
  }

  /** Move to the next content line after the current one. */
  private advance(): void {
    const {text} = this
    let start = this.lineEnd + 1
    while (start <= text.length) {
      let end = text.indexOf('\n', start)
      if (end < 0) end = text.length
      let p = start
      while (p < end && text.charCodeAt(p) === SPACE) p++
      if (p < end && text.charCodeAt(p) !== HASH) {
        // document markers and directives start at column 0
        if (p === start && (text.startsWith('---', p) || text.startsWith('...', p) || text.charCodeAt(p) === 0x25)) outside()
        this.lineStart = start
        this.lineEnd = end
        this.indent = p - start
        this.content = p
        return
      }
      start = end + 1
    }
    this.lineStart = this.lineEnd = text.length
    this.indent = -1
  }

  /** A block map or list starting on the current line at its indent. */
  private blockNode(): FastNode {
    if (++this.depth > MAX_DEPTH) outside()
    const node = this.isListItem(this.content) ? this.list(this.indent) : this.map(this.indent, this.content)
    this.depth--
    return node
  }

  private isListItem(p: number): boolean {
    return this.text.charCodeAt(p) === DASH && (p + 1 === this.lineEnd || this.text.charCodeAt(p + 1) === SPACE)
  }

  /**
   * A block map whose keys sit at column `indent`; the first key starts at `start` (on the
   * current line, which may be a `- ` list item's line).
   */
  private map(indent: number, start: number): FastMap {
    const map: FastMap = {kind: 'map', keys: [], values: [], merges: false}
    const seen = new Set<string>()
    let p = start
    for (;;) {
      const colon = this.keyEnd(p)
      if (colon < 0) outside() // not a `key:` line
      const key = this.key(p, colon)
      if (key === null) map.merges = true
      else {
        if (seen.has(key)) outside() // duplicate key: the full reader reports it
        seen.add(key)
      }
      map.keys.push(key)
      map.values.push(this.value(colon + 1, indent, true))
      // value() has moved the cursor to the next content line
      if (this.indent !== indent) {
        if (this.indent > indent) outside()
        return map
      }
      p = this.content
    }
  }

  /** A block list whose `-` sit at column `indent`, starting on the current line. */
  private list(indent: number): FastSeq {
    const seq: FastSeq = {kind: 'seq', items: []}
    for (;;) {
      const p = this.skipSpaces(this.content + 1)
      if (p < this.lineEnd && this.text.charCodeAt(p) !== HASH && this.keyEnd(p) >= 0) {
        // `- key: value`: a map whose keys line up with this first one
        if (++this.depth > MAX_DEPTH) outside()
        seq.items.push(this.map(p - this.lineStart, p))
        this.depth--
      } else {
        if (this.isListItem(p)) outside() // `- - x`
        seq.items.push(this.value(p, indent, false))
      }
      if (this.indent !== indent) {
        if (this.indent > indent) outside()
        return seq
      }
      // a key at the list's own column ends a `key:\n- item` list; the map above reads it
      if (!this.isListItem(this.content)) return seq
    }
  }

  /**
   * Where the `:` of a `key:` starting at `p` is (followed by a space or the line end), or -1
   * when the line holds no key there. Only keys the subset reads count: plain ones without
   * flow indicators or comments, and quoted ones immediately followed by `:`.
   */
  private keyEnd(p: number): number {
    const {text, lineEnd} = this
    const first = text.charCodeAt(p)
    if (first === DQUOTE || first === SQUOTE) {
      const colon = this.quotedEnd(p) + 1
      return colon < lineEnd && text.charCodeAt(colon) === COLON && (colon + 1 === lineEnd || text.charCodeAt(colon + 1) === SPACE) ? colon : -1
    }
    if (!isPlainStart(text, p, lineEnd)) return -1
    for (let i = p + 1; i < lineEnd; i++) {
      const c = text.charCodeAt(i)
      if (c === COLON && (i + 1 === lineEnd || text.charCodeAt(i + 1) === SPACE)) return i
      if (c === HASH && text.charCodeAt(i - 1) === SPACE) return -1
    }
    return -1
  }

  /** The key text from `p` to its colon; `null` for a `<<` merge key. */
  private key(p: number, colon: number): string | null {
    const {text} = this
    const first = text.charCodeAt(p)
    if (first === DQUOTE || first === SQUOTE) return this.quoted(p, colon - 1).text
    if (colon - p > MAX_KEY_LENGTH || text.charCodeAt(colon - 1) === SPACE) outside() // `key :`
    const raw = text.slice(p, colon)
    // flow indicators and quotes inside plain keys are legal in places but subtle, and never
    // needed in a stack file: leave them to the full reader
    if (/[[\]{},"']/.test(raw)) outside()
    if (raw === '<<') return null
    // a null key (`~:`) reads as "" in the model, as the full reader's keys do
    return NULL_PLAIN.test(raw) ? '' : raw
  }

  /**
   * The value after a `key:` or `- ` (from `p` on the current line), leaving the cursor on the
   * next content line. `indent` is the column of the key or dash; `compactList` allows a
   * `key:\n- item` list at that same column.
   */
  private value(p: number, indent: number, compactList: boolean): FastNode | null {
    const {text} = this
    p = this.skipSpaces(p)
    if (p === this.lineEnd || text.charCodeAt(p) === HASH) {
      this.advance()
      if (this.indent > indent) return this.blockNode()
      if (compactList && this.indent === indent && this.isListItem(this.content)) {
        if (++this.depth > MAX_DEPTH) outside()
        const seq = this.list(indent)
        this.depth--
        return seq
      }
      return null
    }
    if (text.charCodeAt(p) !== 0x26 /* & */) return this.inline(p)
    let end = p + 1
    while (end < this.lineEnd && text.charCodeAt(end) !== SPACE) end++
    const name = text.slice(p + 1, end)
    if (!ANCHOR_NAME.test(name)) outside()
    p = this.skipSpaces(end)
    let node: FastNode | null
    if (p === this.lineEnd || text.charCodeAt(p) === HASH) {
      // `key: &name` then a nested block; an anchored empty value or compact list is left to the full reader
      this.advance()
      if (this.indent <= indent) outside()
      node = this.blockNode()
    } else {
      // a second property, or `- &a key: v` (whose anchor YAML puts on the key), is not in the subset
      const c = text.charCodeAt(p)
      if (c === 0x26 || c === 0x2a || c === 0x21 /* & * ! */ || this.keyEnd(p) >= 0) outside()
      node = this.inline(p)
    }
    this.anchors.set(name, node)
    return node
  }

  /** A value written on the current line from `p`: alias, quoted, flow or plain scalar. Advances. */
  private inline(p: number): FastNode | null {
    const {text, lineEnd} = this
    const c = text.charCodeAt(p)
    let node: FastNode | null
    let end: number
    if (c === 0x2a /* * */) {
      end = p + 1
      while (end < lineEnd && text.charCodeAt(end) !== SPACE) end++
      node = this.alias(text.slice(p + 1, end))
    } else if (c === DQUOTE || c === SQUOTE) {
      const close = this.quotedEnd(p)
      node = this.quoted(p, close)
      end = close + 1
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      const flow = this.flow(p)
      node = flow.node
      end = flow.end
    } else {
      if (!isPlainStart(text, p, lineEnd)) outside() // tags, block scalars, `key: - x`, ...
      // the scalar ends at a comment or the line end; `: ` inside or a trailing `:` is a key
      end = lineEnd
      for (let i = p + 1; i < lineEnd; i++) {
        const ch = text.charCodeAt(i)
        if (ch === COLON && (i + 1 === lineEnd || text.charCodeAt(i + 1) === SPACE)) outside()
        if (ch === HASH && text.charCodeAt(i - 1) === SPACE) {
          end = i
          break
        }
      }
      // only spaces are trimmed: a no-break space is content to YAML (String#trim would drop it)
      while (text.charCodeAt(end - 1) === SPACE) end--
      node = plainScalar(text.slice(p, end))
      this.advance()
      return node
    }
    // after a closed token only spaces and a comment may follow
    const rest = this.skipSpaces(end)
    if (rest < lineEnd && (text.charCodeAt(rest) !== HASH || rest === end)) outside()
    this.advance()
    return node
  }

  /** The node of a completed anchor; an unknown one is an error the full reader reports. */
  private alias(name: string): FastNode | null {
    const target = this.anchors.get(name)
    if (target === undefined) outside()
    return target
  }

  /**
   * A one-line flow list or map from `p` (`[` or `{`): scalars and aliases only, no nesting,
   * no trailing comma. Returns the node and the offset after the closing bracket.
   */
  private flow(p: number): {node: FastNode; end: number} {
    const {text} = this
    const isMap = text.charCodeAt(p) === 0x7b
    const close = isMap ? 0x7d : 0x5d
    const seq: FastSeq = {kind: 'seq', items: []}
    const map: FastMap = {kind: 'map', keys: [], values: [], merges: false}
    const seen = new Set<string>()
    let i = this.skipSpaces(p + 1)
    if (text.charCodeAt(i) === close) return {node: isMap ? map : seq, end: i + 1}
    for (;;) {
      if (isMap) {
        const key = this.flowItem(i, true)
        i = key.end
        if (text.charCodeAt(i) !== COLON || text.charCodeAt(i + 1) !== SPACE) outside()
        const keyText = key.merge ? null : key.node === null ? '' : (key.node as FastScalar).text
        if (keyText === null) map.merges = true
        else {
          if (seen.has(keyText)) outside()
          seen.add(keyText)
        }
        const value = this.flowItem(this.skipSpaces(i + 1), false)
        map.keys.push(keyText)
        map.values.push(value.node)
        i = value.end
      } else {
        const item = this.flowItem(i, false)
        seq.items.push(item.node)
        i = item.end
      }
      i = this.skipSpaces(i)
      const c = text.charCodeAt(i)
      if (c === close) return {node: isMap ? map : seq, end: i + 1}
      if (c !== 0x2c /* , */) outside()
      i = this.skipSpaces(i + 1)
      if (text.charCodeAt(i) === close) outside() // trailing comma
    }
  }

  /**
   * One scalar or alias inside a flow collection, from `p`. A plain one stops at `,` `]` `}`;
   * it may not hold `:` `#` or brackets (URLs in flow maps are left to the full reader). For a
   * key, the end is the offset of what follows the key (its `:`).
   */
  private flowItem(p: number, isKey: boolean): {node: FastNode | null; end: number; merge?: boolean} {
    const {text, lineEnd} = this
    if (p >= lineEnd) outside()
    const c = text.charCodeAt(p)
    if (c === DQUOTE || c === SQUOTE) {
      const end = this.quotedEnd(p)
      return {node: this.quoted(p, end), end: end + 1}
    }
    if (c === 0x2a /* * */) {
      if (isKey) outside()
      let end = p + 1
      while (end < lineEnd && !isFlowStop(text.charCodeAt(end))) end++
      return {node: this.alias(text.slice(p + 1, end)), end}
    }
    if (!isPlainStart(text, p, lineEnd)) outside()
    let end = p + 1
    for (; end < lineEnd; end++) {
      const ch = text.charCodeAt(end)
      if (ch === 0x2c || ch === 0x5d || ch === 0x7d) break
      if (ch === COLON) {
        if (isKey) break
        outside()
      }
      if (ch === HASH || ch === 0x5b || ch === 0x7b || ch === DQUOTE || ch === SQUOTE) outside()
    }
    if (end === lineEnd) outside() // the collection goes on to the next line
    let last = end
    while (text.charCodeAt(last - 1) === SPACE) last--
    if (isKey && last !== end) outside() // `{a : b}`
    const raw = text.slice(p, last)
    if (isKey && raw === '<<') return {node: null, end, merge: true}
    return {node: plainScalar(raw), end}
  }

  /**
   * The offset of the closing quote of the quoted scalar at `p`; a scalar that goes on past
   * the line end is outside the subset.
   */
  private quotedEnd(p: number): number {
    const {text, lineEnd} = this
    const quote = text.charCodeAt(p)
    for (let i = p + 1; i < lineEnd; i++) {
      const c = text.charCodeAt(i)
      if (c === quote) {
        if (quote === SQUOTE && text.charCodeAt(i + 1) === SQUOTE) {
          i++ // '' is an escaped quote
          continue
        }
        return i
      }
      if (c === 0x5c /* \ */ && quote === DQUOTE) i++
    }
    return outside()
  }

  /** The quoted scalar from `p` to its closing quote at `end`, unescaped. */
  private quoted(p: number, end: number): FastScalar {
    const raw = this.text.slice(p + 1, end)
    if (this.text.charCodeAt(p) === SQUOTE) return {kind: 'scalar', text: raw.replaceAll("''", "'"), plain: false}
    return {kind: 'scalar', text: raw.includes('\\') ? unescapeDoubleQuoted(raw) : raw, plain: false}
  }

  private skipSpaces(p: number): number {
    while (p < this.lineEnd && this.text.charCodeAt(p) === SPACE) p++
    return p
  }
}

/**
 * Whether a plain scalar may start at `p`: not an indicator (`-` `?` `:` `,` `[` `]` `{` `}` `#`
 * `&` `*` `!` `|` `>` `'` `"` `%` `@` `` ` ``), except `-` followed by a non-space (`-1`, `--x`).
 */
function isPlainStart(text: string, p: number, lineEnd: number): boolean {
  const c = text.charCodeAt(p)
  if (c === DASH) return p + 1 < lineEnd && text.charCodeAt(p + 1) !== SPACE
  return !INDICATORS.has(c)
}

const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)))

function isFlowStop(c: number): boolean {
  return c === SPACE || c === 0x2c || c === 0x5d || c === 0x7d
}

function plainScalar(text: string): FastScalar | null {
  return NULL_PLAIN.test(text) ? null : {kind: 'scalar', text, plain: true}
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
}

/** YAML double-quoted escapes; `\x`/`\u` give one BMP non-surrogate unit, anything else gives up. */
function unescapeDoubleQuoted(raw: string): string {
  return raw.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_, esc: string) => {
    if (esc.length > 1) {
      const code = Number.parseInt(esc.slice(1), 16)
      if (code >= 0xd800 && code <= 0xdfff) outside()
      return String.fromCharCode(code)
    }
    return SIMPLE_ESCAPES[esc] ?? outside()
  })
}

/**
 * The model walk's view of the fast tree. Positions do not exist here: `fail` gives up, and
 * parse.ts rereads the document fully to report the error where it is.
 */
export class FastReader implements TreeReader<FastNode> {
  /**
   * Entries of maps merged into others: an anchor is typically merged into every function, and
   * chains of `<<` over shared anchors would otherwise cost exponential time.
   */
  private readonly mergeSources = new Map<FastMap, Array<Entry<FastNode>>>()

  constructor(
    private readonly tree: FastNode | null,
    readonly source: string,
  ) {}

  root(): {value: FastNode | null; at: FastNode | null} {
    return {value: this.tree, at: this.tree}
  }

  isMap(value: FastNode): boolean {
    return value.kind === 'map'
  }

  isSeq(value: FastNode): boolean {
    return value.kind === 'seq'
  }

  items(seq: FastNode): Array<FastNode | null> {
    return (seq as FastSeq).items
  }

  /** Aliases were resolved while scanning. */
  deref(node: FastNode | null): FastNode | null {
    return node
  }

  fail(): never {
    throw OUTSIDE_SUBSET
  }

  kind(): string {
    return ''
  }

  where(): string {
    return this.source
  }

  /** As YamlReader.entries: written keys win over merged ones, earlier merged maps over later ones. */
  entries(node: FastNode, path: string, depth = 0): Array<Entry<FastNode>> {
    const map = node as FastMap
    if (depth > 0) {
      const cached = this.mergeSources.get(map)
      if (cached) return cached
    }
    if (depth > MAX_MERGE_DEPTH) outside()
    const {keys, values} = map
    const out: Array<Entry<FastNode>> = []
    if (!map.merges) {
      // no merge keys (the common case); the scanner already rejected duplicates
      for (let i = 0; i < keys.length; i++) out.push({key: keys[i] as string, keyNode: map, value: values[i], at: values[i] ?? map})
    } else {
      const own = new Set(keys.filter((k) => k !== null))
      const seen = new Set<string>()
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]
        if (key !== null) {
          seen.add(key)
          out.push({key, keyNode: map, value: values[i], at: values[i] ?? map})
          continue
        }
        const value = values[i]
        const sources = value !== null && value.kind === 'seq' ? value.items : [value]
        for (const source of sources) {
          if (source === null || source.kind !== 'map') outside()
          for (const entry of this.entries(source, path, depth + 1)) {
            if (own.has(entry.key) || seen.has(entry.key)) continue
            seen.add(entry.key)
            out.push(entry)
          }
        }
      }
    }
    if (depth > 0) this.mergeSources.set(map, out)
    return out
  }

  string(value: FastNode | null): string | undefined {
    if (value === null) return undefined
    if (value.kind !== 'scalar') outside()
    return value.text
  }

  bool(value: FastNode | null): boolean | undefined {
    if (value === null) return undefined
    if (value.kind !== 'scalar' || !value.plain) outside()
    const {text} = value
    if (CORE_BOOL.test(text)) return text[0] === 't' || text[0] === 'T'
    return yamlOneOneBool(text) ?? outside()
  }

  stringMap(value: FastNode | null, at: FastNode, path: string): Record<string, string> | undefined {
    if (value === null) return undefined
    if (value.kind !== 'map') outside()
    // the same plain object YamlReader.stringMap returns, built directly: maps with the same
    // keys then share one shape instead of each being a dictionary copied by a spread
    const out: Record<string, string> = {}
    for (const e of this.entries(value, path)) {
      const text = this.string(e.value) ?? ''
      if (e.key === '__proto__') Object.defineProperty(out, e.key, {value: text, enumerable: true, writable: true, configurable: true})
      else out[e.key] = text
    }
    return out
  }

  stringList(value: FastNode | null): string[] | undefined {
    if (value === null) return undefined
    if (value.kind !== 'seq') outside()
    return value.items.map((item) => this.string(item) ?? '')
  }
}
