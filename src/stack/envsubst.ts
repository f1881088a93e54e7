/**
 * Environment substitution over the raw stack-file text, before YAML parsing (spec §2).
 *
 * Only braced forms are expanded: `${VAR}` and the bash parameter-expansion operators faas-cli
 * accepts. A bare `$VAR` stays literal, `$$` is a literal `$`. Semantics follow bash (the
 * documented intent of faas-cli's substitution library):
 *
 *   ${V}            value, or "" when unset
 *   ${V:-w} ${V-w}  w when V is unset or empty (`:-`) / unset (`-`)
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
    return own !== undefined ? own : this.env[name]
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
    const missing = colon ? value === undefined || value === '' : value === undefined
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
        if (missing) this.fail(start, `${name}: ${word.trim() === '' ? (colon ? 'parameter is unset or empty' : 'parameter is unset') : word.replace(/\s+/g, ' ').trim()}`)
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
    this.fail(start, `Bad substitution ${snippet(this.text, start)}`, 'Supported forms: ${VAR}, ${VAR:-default}, ${VAR:pos:len}, ${VAR#prefix}, ${VAR/pattern/replacement}, ${VAR^^}; write $$ for a literal $')
  }

  private fail(offset: number, message: string, hint?: string): never {
    const {line, col} = lineCol(this.text, offset)
    const where = this.source ? `${this.source}:${line}:${col}` : `line ${line}, column ${col}`
    throw new FaasError(`${where}: ${message}`, {hint})
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
  return text.slice(start, end).replace(/[\u0000-\u001f\u007f]/g, '?') + (cut ? '…' : '')
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

type ReplaceMode = 'first' | 'all' | 'prefix' | 'suffix'

interface Glob {
  /** The unquoted text when the pattern has no wildcard: matched with plain string search. */
  literal?: string
  /** Anchored regular expression for the whole candidate. */
  exact?: RegExp
}

const globCache = new Map<string, Glob>()

function compileGlob(pattern: string): Glob {
  const cached = globCache.get(pattern)
  if (cached) return cached
  let source = ''
  let literal = ''
  let wild = false
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\' && i + 1 < pattern.length) {
      i++
      source += escapeRegExp(pattern[i])
      literal += pattern[i]
    } else if (c === '*') {
      wild = true
      source += '[\\s\\S]*'
    } else if (c === '?') {
      wild = true
      source += '[\\s\\S]'
    } else if (c === '[') {
      const cls = bracketClass(pattern, i)
      if (cls) {
        wild = true
        source += cls.source
        i = cls.end
      } else {
        source += '\\['
        literal += '['
      }
    } else {
      source += escapeRegExp(c)
      literal += c
    }
  }
  let glob: Glob
  if (!wild) glob = {literal}
  else {
    try {
      glob = {exact: new RegExp(`^(?:${source})$`, 'u')}
    } catch {
      // e.g. a reversed range [z-a]: treat the whole pattern as literal text
      glob = {literal: pattern}
    }
  }
  if (globCache.size > 256) globCache.clear()
  globCache.set(pattern, glob)
  return glob
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

function matches(glob: Glob, candidate: string): boolean {
  return glob.exact ? glob.exact.test(candidate) : candidate === glob.literal
}

/** Offsets of character boundaries (so a pattern never splits a surrogate pair). */
function boundaries(value: string): number[] {
  const out = [0]
  for (let i = 0; i < value.length; ) {
    const cp = value.codePointAt(i) as number
    i += cp > 0xffff ? 2 : 1
    out.push(i)
  }
  return out
}

function trimPrefix(value: string, pattern: string, longest: boolean): string {
  const glob = compileGlob(pattern)
  if (glob.literal !== undefined) return value.startsWith(glob.literal) ? value.slice(glob.literal.length) : value
  const b = boundaries(value)
  for (let k = 0; k < b.length; k++) {
    const end = longest ? b[b.length - 1 - k] : b[k]
    if (matches(glob, value.slice(0, end))) return value.slice(end)
  }
  return value
}

function trimSuffix(value: string, pattern: string, longest: boolean): string {
  const glob = compileGlob(pattern)
  if (glob.literal !== undefined) return value.endsWith(glob.literal) ? value.slice(0, value.length - glob.literal.length) : value
  const b = boundaries(value)
  for (let k = 0; k < b.length; k++) {
    const begin = longest ? b[k] : b[b.length - 1 - k]
    if (matches(glob, value.slice(begin))) return value.slice(0, begin)
  }
  return value
}

/** End offset of the longest non-empty match starting at boundary index `bi`, or -1. */
function longestMatchAt(value: string, b: number[], bi: number, glob: Glob): number {
  for (let k = b.length - 1; k > bi; k--) {
    if (matches(glob, value.slice(b[bi], b[k]))) return b[k]
  }
  return -1
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
  const b = boundaries(value)
  if (mode === 'prefix') {
    for (let k = b.length - 1; k >= 0; k--) if (matches(glob, value.slice(0, b[k]))) return replacement + value.slice(b[k])
    return value
  }
  if (mode === 'suffix') {
    for (let k = 0; k < b.length; k++) if (matches(glob, value.slice(b[k]))) return value.slice(0, b[k]) + replacement
    return value
  }
  let out = ''
  let bi = 0
  while (bi < b.length - 1) {
    const end = longestMatchAt(value, b, bi, glob)
    if (end === -1) {
      out += value.slice(b[bi], b[bi + 1])
      bi++
      continue
    }
    out += replacement
    if (mode === 'first') return out + value.slice(end)
    while (b[bi] < end) bi++
  }
  return out
}
