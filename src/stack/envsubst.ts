/**
 * Environment substitution over the raw stack-file text, before YAML parsing (spec §2).
 *
 * Only braced forms are expanded: `${VAR}` and the bash parameter-expansion operators faas-cli
 * accepts. A bare `$VAR` stays literal, `$$` is a literal `$`. Semantics follow bash (the
 * documented intent of faas-cli's substitution library):
 *
 *   ${V}            value, or "" when unset
 *   ${V:-w} ${V-w}  w when V is unset or empty (both, as faas-cli's library does)
 *   ${V:=w} ${V=w}  same, and V takes the value w for the rest of the file
 *   ${V:+w} ${V+w}  w when V is set and non-empty (`:+`) / set (`+`), else ""
 *   ${V:?m} ${V?m}  fail with m when V is unset or empty (`:?`) / unset (`?`)
 *   ${#V}           length in characters
 *   ${V:pos} ${V:pos:len}           substring (negative pos counts from the end: `${V: -3}`)
 *   ${V#p} ${V##p} ${V%p} ${V%%p}   strip shortest/longest prefix/suffix matching glob p
 *   ${V/p/r} ${V//p/r} ${V/#p/r} ${V/%p/r}   replace first/all/prefix/suffix match of glob p
 *   ${V^} ${V^^} ${V,} ${V,,}       upper/lower case the first/every character
 *
 * Words after an operator may nest further expansions (`${A:-${B:-x}}`) and are only evaluated
 * when used. Globs are shell patterns: `*`, `?`, `[...]`, and `\` to quote the next character.
 * The scanner reads every character once, so substitution is linear in the size of the text.
 */
import {FaasError} from '../errors.js'
import {oneLine} from './text.js'

type Env = Record<string, string | undefined>

/** Deepest `${…}` nesting accepted; far beyond any real stack file, it bounds recursion. */
const MAX_DEPTH = 64

const NAME_CHAR = /[A-Za-z0-9_]/

/** How a word inside `${…}` treats backslashes and where it stops. */
const enum WordKind {
  /** Default values, substring offsets: backslashes are literal text. */
  Plain,
  /** Glob patterns: `\x` is kept as is for the glob compiler (it quotes x); `\}` or `\/` never end the word. */
  Pattern,
  /** Replacement text: `\/` and `\\` unescape, other backslashes are literal. */
  Replacement,
}

/**
 * Substitute `${…}` expressions in `text` from `env`. Throws FaasError (one line, with line and
 * column, prefixed by `source` when given) for an unclosed `${`, a malformed expression or a
 * `${V:?message}` whose variable is unset.
 */
export function envsubst(text: string, env: Env, source?: string): string {
  if (!text.includes('$')) return text
  return new Substitution(text, env, source).run()
}

class Substitution {
  private pos = 0
  private readonly assigned = new Map<string, string>()

  constructor(
    private readonly text: string,
    private readonly env: Env,
    private readonly source: string | undefined,
  ) {}

  run(): string {
    const {text} = this
    let out = ''
    let from = 0
    for (;;) {
      const dollar = text.indexOf('$', from)
      if (dollar === -1 || dollar === text.length - 1) break
      const next = text.charCodeAt(dollar + 1)
      if (next === 0x24 /* $ */) {
        out += text.slice(from, dollar + 1)
        from = dollar + 2
      } else if (next === 0x7b /* { */) {
        out += text.slice(from, dollar)
        this.pos = dollar + 2
        out += this.expression(dollar, true, 1)
        from = this.pos
      } else {
        // a bare `$VAR` (or a lone `$`) is literal text
        out += text.slice(from, dollar + 1)
        from = dollar + 1
      }
    }
    return out + text.slice(from)
  }

  private lookup(name: string): string | undefined {
    const own = this.assigned.get(name)
    if (own !== undefined) return own
    // own properties only: `${constructor}` must not find Object.prototype members
    const value = Object.hasOwn(this.env, name) ? this.env[name] : undefined
    return typeof value === 'string' ? value : undefined
  }

  /**
   * Parse one expression; `this.pos` is just after `${` (which starts at `start`) and ends just
   * after the closing `}`. When `active` is false the expression is only parsed (an unused
   * default), so it neither fails on `:?` nor assigns on `:=`.
   */
  private expression(start: number, active: boolean, depth: number): string {
    if (depth > MAX_DEPTH) this.fail(start, `\${…} expressions nested more than ${MAX_DEPTH} deep`)
    const {text} = this
    if (this.pos >= text.length) this.unclosed(start)

    if (text[this.pos] === '#' && this.pos + 1 < text.length && NAME_CHAR.test(text[this.pos + 1])) {
      this.pos++
      const name = this.name()
      this.expect('}', start)
      return active ? String(codePoints(this.lookup(name) ?? '').length) : ''
    }

    const name = this.name()
    if (name === '') {
      if (this.pos >= text.length) this.unclosed(start)
      this.bad(start)
    }
    if (this.pos >= text.length) this.unclosed(start)
    const value = active ? this.lookup(name) : undefined
    const op = text[this.pos]
    this.pos++

    switch (op) {
      case '}':
        return value ?? ''
      case ':': {
        const c = text[this.pos]
        if (c === '-' || c === '=' || c === '+' || c === '?') {
          this.pos++
          return this.conditional(name, value, c, true, start, active, depth)
        }
        return this.substring(value ?? '', start, active, depth)
      }
      case '-':
      case '=':
      case '+':
      case '?':
        return this.conditional(name, value, op, false, start, active, depth)
      case '#':
      case '%': {
        const longest = text[this.pos] === op
        if (longest) this.pos++
        const pattern = this.word('}', WordKind.Pattern, start, active, depth)
        this.pos++ // '}'
        if (!active) return ''
        return op === '#' ? trimPrefix(value ?? '', pattern, longest) : trimSuffix(value ?? '', pattern, longest)
      }
      case '/': {
        let mode: ReplaceMode = 'first'
        const c = text[this.pos]
        if (c === '/') mode = 'all'
        else if (c === '#') mode = 'prefix'
        else if (c === '%') mode = 'suffix'
        if (mode !== 'first') this.pos++
        const pattern = this.word('/}', WordKind.Pattern, start, active, depth)
        let replacement = ''
        if (text[this.pos] === '/') {
          this.pos++
          replacement = this.word('}', WordKind.Replacement, start, active, depth)
        }
        this.pos++ // '}'
        return active ? replace(value ?? '', pattern, replacement, mode) : ''
      }
      case '^':
      case ',': {
        const all = text[this.pos] === op
        if (all) this.pos++
        this.expect('}', start)
        if (!active) return ''
        return changeCase(value ?? '', op === '^', all)
      }
      default:
        this.pos--
        this.bad(start)
    }
  }

  private conditional(name: string, value: string | undefined, op: string, colon: boolean, start: number, active: boolean, depth: number): string {
    // faas-cli's substitution library gives an empty variable the default for `-` and `=` as
    // well as for `:-` and `:=` (unlike bash); stacks written for faas-cli rely on that.
    const emptyCounts = colon || op === '-' || op === '='
    const missing = emptyCounts ? value === undefined || value === '' : value === undefined
    // The word is evaluated only when it is the result (or the error text).
    const use = op === '+' ? !missing : missing
    const word = this.word('}', WordKind.Plain, start, active && use, depth)
    this.pos++ // '}'
    if (!active) return ''
    switch (op) {
      case '-':
        return missing ? word : (value as string)
      case '=':
        if (missing) this.assigned.set(name, word)
        return missing ? word : (value as string)
      case '+':
        return missing ? '' : word
      default: // '?'
        if (missing) this.fail(start, `${name}: ${word.trim() === '' ? (colon ? 'parameter is unset or empty' : 'parameter is unset') : word.trim()}`)
        return value as string
    }
  }

  private substring(value: string, start: number, active: boolean, depth: number): string {
    const offsetWord = this.word(':}', WordKind.Plain, start, active, depth)
    let lengthWord: string | undefined
    if (this.text[this.pos] === ':') {
      this.pos++
      lengthWord = this.word('}', WordKind.Plain, start, active, depth)
    }
    this.pos++ // '}'
    if (!active) return ''
    const offset = parseInteger(offsetWord)
    // Like bash's library cousins: a non-numeric offset or length leaves the value alone.
    if (offset === undefined) return value
    const chars = codePoints(value)
    let from = offset < 0 ? Math.max(0, chars.length + offset) : offset
    if (from >= chars.length) return ''
    let to = chars.length
    if (lengthWord !== undefined) {
      const length = parseInteger(lengthWord)
      if (length === undefined) return value
      to = length < 0 ? chars.length + length : Math.min(chars.length, from + length)
      if (to <= from) return ''
    }
    from = Math.max(0, from)
    return chars.slice(from, to).join('')
  }

  /** Read a variable name at `this.pos` (possibly empty). */
  private name(): string {
    const {text} = this
    const begin = this.pos
    while (this.pos < text.length && NAME_CHAR.test(text[this.pos])) this.pos++
    return text.slice(begin, this.pos)
  }

  private expect(char: string, start: number): void {
    if (this.pos >= this.text.length) this.unclosed(start)
    if (this.text[this.pos] !== char) this.bad(start)
    this.pos++
  }

  /**
   * Read a word up to (not including) one of `stops`, expanding nested `${…}` and `$$`.
   * Leaves `this.pos` on the stop character; reaching the end of the text is an unclosed `${`.
   */
  private word(stops: string, kind: WordKind, start: number, active: boolean, depth: number): string {
    const {text} = this
    let out = ''
    for (;;) {
      if (this.pos >= text.length) this.unclosed(start)
      const c = text[this.pos]
      if (stops.includes(c)) return out
      if (c === '$') {
        const n = text[this.pos + 1]
        if (n === '{') {
          const nested = this.pos
          this.pos += 2
          out += this.expression(nested, active, depth + 1)
          continue
        }
        if (n === '$') {
          out += '$'
          this.pos += 2
          continue
        }
      } else if (c === '\\' && kind !== WordKind.Plain && this.pos + 1 < text.length) {
        const n = text[this.pos + 1]
        if (kind === WordKind.Pattern) {
          out += c + n
          this.pos += 2
          continue
        }
        if (n === '/' || n === '\\') {
          out += n
          this.pos += 2
          continue
        }
      }
      out += c
      this.pos++
    }
  }

  private unclosed(start: number): never {
    this.fail(start, `Missing closing brace in ${snippet(this.text, start)}`, 'Close the expression with }, or write $$ for a literal $')
  }

  private bad(start: number): never {
    // `${NAME` with no `}` left on its line reads as an unclosed expression, not a bad operator
    const lineEnd = this.text.slice(start).search(/[\r\n]/)
    const line = lineEnd === -1 ? this.text.slice(start) : this.text.slice(start, start + lineEnd)
    if (!line.includes('}')) this.unclosed(start)
    this.fail(start, `Bad substitution ${snippet(this.text, start)}`, 'Supported forms: ${VAR}, ${VAR:-default}, ${VAR:pos:len}, ${VAR#prefix}, ${VAR/pattern/replacement}, ${VAR^^}; write $$ for a literal $')
  }

  private fail(offset: number, message: string, hint?: string): never {
    const {line, col} = lineCol(this.text, offset)
    const where = this.source ? `${this.source}:${line}:${col}` : `line ${line}, column ${col}`
    throw new FaasError(oneLine(`${where}: ${message}`), {hint})
  }
}

/** The expression text from `${` for an error message: one line, at most 40 characters. */
function snippet(text: string, start: number): string {
  let end = start
  let cut = false
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') {
    if (end - start >= 40) {
      cut = true
      break
    }
    end++
    if (text[end - 1] === '}') break
  }
  return oneLine(text.slice(start, end)) + (cut ? '…' : '')
}

export function lineCol(text: string, offset: number): {line: number; col: number} {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return {line, col: offset - lineStart + 1}
}

function parseInteger(word: string): number | undefined {
  const t = word.trim()
  return /^[-+]?\d{1,15}$/.test(t) ? Number.parseInt(t, 10) : undefined
}

function codePoints(s: string): string[] {
  return Array.from(s)
}

function changeCase(value: string, upper: boolean, all: boolean): string {
  if (all) return upper ? value.toUpperCase() : value.toLowerCase()
  if (value === '') return value
  const first = String.fromCodePoint(value.codePointAt(0) as number)
  return (upper ? first.toUpperCase() : first.toLowerCase()) + value.slice(first.length)
}

// ---------------------------------------------------------------------------------------------
// Shell glob patterns
//
// A glob becomes a regular expression with `*` → `[\s\S]*` (greedy) or `[\s\S]*?` (lazy). For
// globs (literals, `?`, classes and `*`, no alternation) backtracking with greedy stars finds the
// longest match at a given start and lazy stars the shortest, so each operation is a single
// regex search instead of trying every substring.

type ReplaceMode = 'first' | 'all' | 'prefix' | 'suffix'

interface Glob {
  /** The unquoted text when the pattern has no wildcard: matched with plain string search. */
  literal?: string
  greedy?: string
  lazy?: string
}

const globCache = new Map<string, Glob>()
const regexCache = new Map<string, RegExp>()

function compileGlob(pattern: string): Glob {
  const cached = globCache.get(pattern)
  if (cached) return cached
  let greedy = ''
  let lazy = ''
  let literal = ''
  let wild = false
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    let piece: string
    if (c === '\\' && i + 1 < pattern.length) {
      i++
      piece = escapeRegExp(pattern[i])
      literal += pattern[i]
    } else if (c === '*') {
      wild = true
      greedy += '[\\s\\S]*'
      lazy += '[\\s\\S]*?'
      continue
    } else if (c === '?') {
      wild = true
      piece = '[\\s\\S]'
    } else if (c === '[') {
      const cls = bracketClass(pattern, i)
      if (cls) {
        wild = true
        piece = cls.source
        i = cls.end
      } else {
        piece = '\\['
        literal += '['
      }
    } else {
      piece = escapeRegExp(c)
      literal += c
    }
    greedy += piece
    lazy += piece
  }
  let glob: Glob = wild ? {greedy, lazy} : {literal}
  if (wild) {
    try {
      regex(`^(?:${greedy})`, '')
    } catch {
      // e.g. a reversed range [z-a]: treat the whole pattern as literal text
      glob = {literal: pattern}
    }
  }
  if (globCache.size > 256) globCache.clear()
  globCache.set(pattern, glob)
  return glob
}

function regex(source: string, flags: string): RegExp {
  const key = `${flags}/${source}`
  let re = regexCache.get(key)
  if (!re) {
    re = new RegExp(source, 'u' + flags)
    if (regexCache.size > 256) regexCache.clear()
    regexCache.set(key, re)
  }
  re.lastIndex = 0
  return re
}

/** Translate a `[...]` bracket expression starting at `i`; undefined if it is not closed. */
function bracketClass(pattern: string, i: number): {source: string; end: number} | undefined {
  let j = i + 1
  let negate = false
  if (pattern[j] === '!' || pattern[j] === '^') {
    negate = true
    j++
  }
  let body = ''
  let first = true
  for (; j < pattern.length; j++) {
    const c = pattern[j]
    if (c === ']' && !first) return {source: `[${negate ? '^' : ''}${body}]`, end: j}
    first = false
    if (c === '\\' && j + 1 < pattern.length) {
      j++
      body += classChar(pattern[j])
    } else if (c === '-') body += '-'
    else body += classChar(c)
  }
  return undefined
}

/** One literal character inside a regex class (u-mode only allows escaping syntax characters). */
function classChar(c: string): string {
  return /[\\\]\[^\-$.*+?(){}|\/]/.test(c) ? '\\' + c : c
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|\/]/.test(c) ? '\\' + c : c
}

function trimPrefix(value: string, pattern: string, longest: boolean): string {
  const glob = compileGlob(pattern)
  if (glob.literal !== undefined) return value.startsWith(glob.literal) ? value.slice(glob.literal.length) : value
  const m = regex(`^(?:${longest ? glob.greedy : glob.lazy})`, '').exec(value)
  return m ? value.slice(m[0].length) : value
}

function trimSuffix(value: string, pattern: string, longest: boolean): string {
  const glob = compileGlob(pattern)
  if (glob.literal !== undefined) return value.endsWith(glob.literal) ? value.slice(0, value.length - glob.literal.length) : value
  if (longest) {
    // the leftmost start whose match reaches the end is the longest suffix
    const m = regex(`(?:${glob.greedy})$`, '').exec(value)
    return m ? value.slice(0, m.index) : value
  }
  // shortest suffix: the rightmost start that matches through to the end
  const re = regex(`(?:${glob.greedy})$`, 'y')
  for (let start = value.length; start >= 0; start--) {
    if (start > 0 && start < value.length && isLowSurrogate(value.charCodeAt(start))) continue
    re.lastIndex = start
    if (re.test(value)) return value.slice(0, start)
  }
  return value
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

function replace(value: string, pattern: string, replacement: string, mode: ReplaceMode): string {
  const glob = compileGlob(pattern)
  if (glob.literal !== undefined) {
    const lit = glob.literal
    switch (mode) {
      case 'prefix':
        return value.startsWith(lit) ? replacement + value.slice(lit.length) : value
      case 'suffix':
        return value.endsWith(lit) ? value.slice(0, value.length - lit.length) + replacement : value
      case 'first': {
        if (lit === '') return value
        const at = value.indexOf(lit)
        return at === -1 ? value : value.slice(0, at) + replacement + value.slice(at + lit.length)
      }
      default:
        return lit === '' ? value : value.split(lit).join(replacement)
    }
  }
  switch (mode) {
    case 'prefix': {
      const m = regex(`^(?:${glob.greedy})`, '').exec(value)
      return m ? replacement + value.slice(m[0].length) : value
    }
    case 'suffix': {
      const m = regex(`(?:${glob.greedy})$`, '').exec(value)
      return m ? value.slice(0, m.index) + replacement : value
    }
    case 'first': {
      // leftmost start, longest match there; an empty match is no match
      const re = regex(`(?:${glob.greedy})`, 'g')
      for (let m = re.exec(value); m; m = re.exec(value)) {
        if (m[0] !== '') return value.slice(0, m.index) + replacement + value.slice(m.index + m[0].length)
        re.lastIndex = m.index + 1
      }
      return value
    }
    default:
      return value.replace(regex(`(?:${glob.greedy})`, 'g'), (m) => (m === '' ? '' : replacement))
  }
}
