/**
 * YAML the way faas-cli's Go library (gopkg.in/yaml.v3) reads and writes it, for the files faas-cli
 * writes through it: sealed-secret envelopes (`secret seal`) and the resources of `chart export`.
 *
 * Reading keeps what yaml.v3 keeps when it decodes into `interface{}`: plain scalars resolve to
 * null, bool, int (any base, `_` separators), float, timestamp or string by its rules (YAML 1.2
 * core, so `yes` stays a string); quoted and block scalars are strings. Writing follows its
 * encoder: map keys in its "natural" order (`a9` before `a10`), block style at a chosen indent with
 * sequences indented under their key, `{}`/`[]` for empty collections, and per string the same
 * choice of plain, single-quoted, double-quoted or literal (`|`, `|-`, `|+`, `|2`) style; floats in
 * Go's shortest `%g` form (`1e+06`), timestamps in RFC 3339. So a file we write is byte for byte
 * the file faas-cli writes.
 *
 * The parser underneath is the `yaml` package (failsafe schema: every scalar arrives as text plus
 * its style), loaded by the caller so this module costs nothing at import time.
 */
import type {Document, Node as YamlNode} from 'yaml'

type YamlModule = typeof import('yaml')

/** A YAML integer (kept exact: Go decodes into int64 or uint64). */
export class GoInt {
  constructor(readonly value: bigint) {}
}

/** A YAML float (Go float64). */
export class GoFloat {
  constructor(readonly value: number) {}
}

/** A YAML timestamp, held as the RFC 3339 text Go writes back for it. */
export class GoTime {
  constructor(readonly text: string) {}
}

export type GoScalar = null | boolean | string | GoInt | GoFloat | GoTime

/** A mapping, in document order: the encoder sorts it, unless it stands for a Go struct (`keepOrder`). */
export class GoMap {
  constructor(readonly entries: Array<[GoScalar, GoValue]> = [], readonly keepOrder = false) {}

  get(key: string): GoValue | undefined {
    return this.entries.find(([k]) => k === key)?.[1]
  }
}

export type GoValue = GoScalar | GoValue[] | GoMap

// ---------------------------------------------------------------------------------------------
// Resolving plain scalars

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL'])
const TRUES = new Set(['true', 'True', 'TRUE'])
const FALSES = new Set(['false', 'False', 'FALSE'])
const SPECIAL_FLOATS: Record<string, number> = {
  '.nan': Number.NaN, '.NaN': Number.NaN, '.NAN': Number.NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity, '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
}
const OLD_BOOLS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'])
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UINT64_MAX = 2n ** 64n - 1n

/** Go's strconv.ParseInt(s, 0, 64) (and ParseUint as the fallback), or undefined. */
function parseGoInt(text: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.exec(text)
  if (!m) return undefined
  let digits = m[2]
  if (/^0[oO]/.test(digits)) digits = '0o' + digits.slice(2)
  else if (/^0[0-7]+$/.test(digits)) digits = '0o' + digits.slice(1)
  let value = BigInt(digits.toLowerCase().replace(/^0x/, '0x'))
  if (m[1] === '-') value = -value
  if (value < INT64_MIN) return undefined
  if (value > INT64_MAX && (m[1] !== '' || value > UINT64_MAX)) return undefined
  return value
}

/** Go's time formats yaml.v3 tries on a plain scalar that starts with a digit. */
const TIMESTAMP = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(?:(Z)|([-+]\d{2}):(\d{2}))?)?$/

function parseTimestamp(text: string): GoTime | undefined {
  const m = TIMESTAMP.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, frac, z, zh, zm] = m
  const pad = (v: string | undefined, n = 2) => (v ?? '0').padStart(n, '0')
  const month = Number(mo)
  const day = Number(d)
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(Number(y), month, 0)).getUTCDate()) return undefined
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59)) return undefined
  // a zone only with the "T" form (Go's layouts); the space form is UTC
  if ((z || zh) && !/[Tt]/.test(text)) return undefined
  const fraction = frac ? frac.replace(/0+$/, '') : ''
  const zone = zh && !(zh.slice(1) === '00' && zm === '00' && zh[0] === '+') ? `${zh}:${zm}` : 'Z'
  return new GoTime(`${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${fraction ? '.' + fraction : ''}${zone}`)
}

/** What a plain (unquoted) scalar means to yaml.v3. */
export function resolvePlain(text: string): GoScalar {
  if (NULLS.has(text)) return null
  if (TRUES.has(text)) return true
  if (FALSES.has(text)) return false
  if (text in SPECIAL_FLOATS) return new GoFloat(SPECIAL_FLOATS[text])
  const first = text[0]
  if (first === '.') {
    if (/^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)) return new GoFloat(Number(text))
    return text
  }
  if (!/[-+0-9]/.test(first)) return text
  const time = parseTimestamp(text)
  if (time) return time
  const plain = text.replaceAll('_', '')
  const int = parseGoInt(plain)
  if (int !== undefined) return new GoInt(int)
  if (YAML_FLOAT.test(plain)) return new GoFloat(Number(plain))
  return text
}

/** True when yaml.v3 writes this string without quotes (it would not be read back as another type). */
function plainIsString(text: string): boolean {
  return typeof resolvePlain(text) === 'string' && !BASE60_FLOAT.test(text) && !OLD_BOOLS.has(text)
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Every document of a YAML stream, as yaml.v3 decodes it (a document that is only comments is null). */
export function parseGoYamlDocuments(yaml: YamlModule, text: string): GoValue[] {
  const docs = yaml.parseAllDocuments(text, {schema: 'failsafe', uniqueKeys: true, merge: false})
  const list = Array.isArray(docs) ? docs : [docs]
  return list.map((doc) => {
    const error = doc.errors[0]
    if (error) throw new Error(error.message.split('\n')[0])
    return toGoValue(yaml, doc as Document, doc.contents as YamlNode | null)
  })
}

function toGoValue(yaml: YamlModule, doc: Document, node: YamlNode | null | undefined, depth = 0): GoValue {
  if (depth > 512) throw new Error('document nested too deeply')
  if (node === null || node === undefined) return null
  if (yaml.isAlias(node)) return toGoValue(yaml, doc, node.resolve(doc) as YamlNode | undefined, depth + 1)
  if (yaml.isScalar(node)) {
    const text = String(node.value ?? '')
    const tag = node.tag
    if (tag === 'tag:yaml.org,2002:str' || tag === '!!str') return text
    if (node.type === 'PLAIN' || tag) return resolvePlain(text)
    return text
  }
  if (yaml.isMap(node)) {
    const map = new GoMap()
    for (const pair of node.items) {
      const key = toGoValue(yaml, doc, pair.key as YamlNode, depth + 1)
      if (key !== null && typeof key === 'object' && !(key instanceof GoInt || key instanceof GoFloat || key instanceof GoTime)) {
        throw new Error('a mapping key is itself a collection')
      }
      map.entries.push([key as GoScalar, toGoValue(yaml, doc, pair.value as YamlNode, depth + 1)])
    }
    return map
  }
  if (yaml.isSeq(node)) return node.items.map((item) => toGoValue(yaml, doc, item as YamlNode, depth + 1))
  return null
}

// ---------------------------------------------------------------------------------------------
// Key order

function isLetter(c: string): boolean {
  return /\p{L}/u.test(c)
}

function isDigit(c: string): boolean {
  return /\p{Nd}/u.test(c)
}

/** A number for keys that are numbers or bools (yaml.v3 puts them before strings). */
function numericKey(key: GoScalar): number | undefined {
  if (typeof key === 'boolean') return key ? 1 : 0
  if (key instanceof GoInt) return Number(key.value)
  if (key instanceof GoFloat) return key.value
  return undefined
}

/** Go reflect kinds, for keys of different types. */
function kindRank(key: GoScalar): number {
  if (key === null) return 0
  if (typeof key === 'boolean') return 1
  if (key instanceof GoInt) return 6
  if (key instanceof GoFloat) return 14
  if (key instanceof GoTime) return 25
  return 24
}

/** yaml.v3's key order: numbers by value, then strings rune by rune with digit runs compared as numbers. */
export function compareGoKeys(a: GoScalar, b: GoScalar): number {
  const an = numericKey(a)
  const bn = numericKey(b)
  if (an !== undefined && bn !== undefined) return an === bn ? kindRank(a) - kindRank(b) : an < bn ? -1 : 1
  if (typeof a !== 'string' || typeof b !== 'string') return kindRank(a) - kindRank(b)
  return lessStrings(a, b) ? -1 : lessStrings(b, a) ? 1 : 0
}

function lessStrings(a: string, b: string): boolean {
  const ar = [...a]
  const br = [...b]
  let digits = false
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i])
      continue
    }
    const al = isLetter(ar[i])
    const bl = isLetter(br[i])
    if (al && bl) return ar[i].codePointAt(0)! < br[i].codePointAt(0)!
    if (al || bl) return digits ? al : bl
    // both are not letters: compare the digit runs starting here as numbers
    let an = 0n
    let bn = 0n
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n
          bn = 1n
          break
        }
      }
    }
    let ai = i
    let bi = i
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai].codePointAt(0)! - 48)
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi].codePointAt(0)! - 48)
    if (an !== bn) return an < bn
    if (ai !== bi) return ai < bi
    return ar[i].codePointAt(0)! < br[i].codePointAt(0)!
  }
  return ar.length < br.length
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Go's strconv.FormatFloat(f, 'g', -1, 64), or yaml.v3's names for the special values. */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return '.nan'
  if (f === Infinity) return '.inf'
  if (f === -Infinity) return '-.inf'
  if (f === 0) return Object.is(f, -0) ? '-0' : '0'
  const [mantissa, expText] = f.toExponential().split('e')
  const exp = Number(expText)
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+'
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`
  }
  return String(f)
}

function isBreak(c: string): boolean {
  return c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029'
}

/** yaml.v3's test, which stops at 3-byte UTF-8: U+0085 and characters above U+FFFF count as unprintable. */
function isPrintable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
}

interface ScalarAnalysis {
  multiline: boolean
  plainAllowed: boolean
  singleQuotedAllowed: boolean
  blockAllowed: boolean
}

/** Which styles can carry this text in block context (libyaml's analysis, as yaml.v3 does it). */
function analyzeScalar(text: string): ScalarAnalysis {
  if (text === '') return {multiline: false, plainAllowed: true, singleQuotedAllowed: true, blockAllowed: false}
  const chars = [...text]
  let indicators = text.startsWith('---') || text.startsWith('...')
  let lineBreaks = false
  let special = false
  let tabs = false
  let leadingSpace = false
  let leadingBreak = false
  let trailingSpace = false
  let trailingBreak = false
  let breakSpace = false
  let spaceBreak = false
  let precededByWhitespace = true
  let previousSpace = false
  let previousBreak = false
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]
    const next = chars[i + 1]
    const followedByWhitespace = next === undefined || next === ' ' || next === '\t'
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) indicators = true
      else if ((c === '?' || c === ':' || c === '-') && followedByWhitespace) indicators = true
    } else if (c === ':' && followedByWhitespace) indicators = true
    else if (c === '#' && precededByWhitespace) indicators = true
    if (c === '\t') tabs = true
    else if (!isPrintable(c.codePointAt(0)!)) special = true
    const last = i === chars.length - 1
    if (c === ' ') {
      if (i === 0) leadingSpace = true
      if (last) trailingSpace = true
      if (previousBreak) breakSpace = true
      previousSpace = true
      previousBreak = false
    } else if (isBreak(c)) {
      lineBreaks = true
      if (i === 0) leadingBreak = true
      if (last) trailingBreak = true
      if (previousSpace) spaceBreak = true
      previousSpace = false
      previousBreak = true
    } else {
      previousSpace = false
      previousBreak = false
    }
    precededByWhitespace = c === ' ' || c === '\t' || isBreak(c) || c === '\0'
  }
  let plainAllowed = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks || indicators)
  let singleQuotedAllowed = true
  let blockAllowed = !trailingSpace
  if (breakSpace || spaceBreak || tabs || special) {
    plainAllowed = false
    singleQuotedAllowed = false
  }
  if (spaceBreak || special) blockAllowed = false
  return {multiline: lineBreaks, plainAllowed, singleQuotedAllowed, blockAllowed}
}

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = {
  '\0': '\\0', '\x07': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\v': '\\v', '\f': '\\f', '\r': '\\r',
  '\x1b': '\\e', '"': '\\"', '\\': '\\\\', '\u0085': '\\N', '\u00a0': '\\_', '\u2028': '\\L', '\u2029': '\\P',
}

function doubleQuoted(text: string): string {
  // yaml.v3 checks for a byte order mark at the start of the text on every character, so a text
  // that starts with one has every character escaped
  const escapeAll = text.startsWith('\ufeff')
  let out = '"'
  for (const c of text) {
    const cp = c.codePointAt(0)!
    if (!escapeAll && isPrintable(cp) && !isBreak(c) && c !== '"' && c !== '\\') {
      out += c
    } else if (DOUBLE_QUOTE_ESCAPES[c]) {
      out += DOUBLE_QUOTE_ESCAPES[c]
    } else {
      const hex = cp.toString(16).toUpperCase()
      out += cp <= 0xff ? `\\x${hex.padStart(2, '0')}` : cp <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`
    }
  }
  return out + '"'
}

/** `|` with its indentation and chomping indicators, then the lines at `indent`. */
function literal(text: string, indent: number, bestIndent: number): string {
  let header = '|'
  if (text[0] === ' ' || isBreak(text[0])) header += String(bestIndent)
  const last = text.at(-1)!
  if (!isBreak(last)) header += '-'
  else if (text.length === 1 || isBreak(text.at(-2)!)) header += '+'
  const pad = ' '.repeat(indent)
  let out = header
  // as yaml.v3 does: a line break is written as is; a content line after a break gets its
  // indentation (plus a newline of its own when the header or text is still on the line)
  let atColumnZero = false
  let afterBreak = true
  for (const c of text) {
    if (isBreak(c)) {
      out += c
      atColumnZero = true
      afterBreak = true
      continue
    }
    if (afterBreak) out += (atColumnZero ? '' : '\n') + pad
    out += c
    atColumnZero = false
    afterBreak = false
  }
  return out
}

type Context = 'key' | 'value'

/** One scalar as yaml.v3 writes it; `indent` is where a literal block's lines go. */
function scalarText(value: GoScalar, context: Context, indent: number, bestIndent: number): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof GoInt) return value.value.toString()
  if (value instanceof GoFloat) return formatGoFloat(value.value)
  if (value instanceof GoTime) return value.text
  const text = value
  const analysis = analyzeScalar(text)
  let style: 'plain' | 'single' | 'double' | 'literal' = text.includes('\n') ? 'literal' : plainIsString(text) ? 'plain' : 'double'
  if (context === 'key' && analysis.multiline) style = 'double'
  if (style === 'plain' && (!analysis.plainAllowed || (text === '' && context === 'key'))) style = 'single'
  if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double'
  if (style === 'literal' && (!analysis.blockAllowed || context === 'key')) style = 'double'
  switch (style) {
    case 'plain': return text
    case 'single': return `'${text.replaceAll("'", "''")}'`
    case 'double': return doubleQuoted(text)
    case 'literal': return literal(text, indent, bestIndent)
  }
}

/** A key written as `key: value` (libyaml: a single line of at most 128 bytes). */
function isSimpleKey(key: GoScalar): boolean {
  return typeof key !== 'string' || (!analyzeScalar(key).multiline && Buffer.byteLength(key) <= 128)
}

function isEmptyCollection(value: GoValue): string | undefined {
  if (Array.isArray(value) && value.length === 0) return '[]'
  if (value instanceof GoMap && value.entries.length === 0) return '{}'
  return undefined
}

function isCollection(value: GoValue): value is GoValue[] | GoMap {
  return Array.isArray(value) || value instanceof GoMap
}

/** Where a nested node's lines go: under a "- " they skip the indicator, else the next multiple of the indent. */
function nestedIndent(indent: number, inSequenceItem: boolean, bestIndent: number): number {
  if (indent < 0) return 0
  return inSequenceItem ? indent + 2 : bestIndent * Math.floor((indent + bestIndent) / bestIndent)
}

/**
 * Lines of a collection whose first line may continue the current one (after "- "): `first`
 * is the text to put before the first line instead of its indentation.
 */
function emitCollection(value: GoValue[] | GoMap, indent: number, bestIndent: number, first: string | undefined): string {
  const pad = ' '.repeat(indent)
  let out = ''
  let lead = first ?? pad
  if (Array.isArray(value)) {
    for (const item of value) {
      out += `${lead}-${emitValue(item, indent, true, bestIndent, true)}`
      lead = pad
    }
    return out
  }
  const entries = value.keepOrder ? value.entries : [...value.entries].sort(([a], [b]) => compareGoKeys(a, b))
  for (const [key, item] of entries) {
    if (isSimpleKey(key)) {
      out += `${lead}${scalarText(key, 'key', indent, bestIndent)}:${emitValue(item, indent, false, bestIndent, false)}`
    } else {
      // a multi-line or long key: "? key" on its own, then ": value" on the next line
      const keyText = endLine(scalarText(key, 'value', nestedIndent(indent, false, bestIndent), bestIndent))
      out += `${lead}? ${keyText}${pad}:${emitValue(item, indent, false, bestIndent, false)}`
    }
    lead = pad
  }
  return out
}

/** A value after its "key:" or "-": on the same line, or as nested lines. Ends with a newline. */
function emitValue(value: GoValue, indent: number, inSequenceItem: boolean, bestIndent: number, afterDash: boolean): string {
  const inner = nestedIndent(indent, inSequenceItem, bestIndent)
  const empty = isEmptyCollection(value)
  if (empty) return ` ${empty}\n`
  if (isCollection(value)) {
    // a collection inside a sequence item starts on the dash's line
    if (afterDash) return emitCollection(value, inner, bestIndent, ' ')
    return '\n' + emitCollection(value, inner, bestIndent, undefined)
  }
  return ` ${endLine(scalarText(value as GoScalar, 'value', inner, bestIndent))}`
}

/** A literal block that ends with a line break has ended its line already. */
function endLine(text: string): string {
  return isBreak(text.at(-1) ?? '') ? text : text + '\n'
}

/** One document as yaml.v3's encoder writes it (no `---`), with `bestIndent` spaces per level. */
export function encodeGoYaml(value: GoValue, bestIndent = 4): string {
  const empty = isEmptyCollection(value)
  if (empty) return empty + '\n'
  if (isCollection(value)) return emitCollection(value, 0, bestIndent, undefined)
  return endLine(scalarText(value as GoScalar, 'value', 0, bestIndent))
}
