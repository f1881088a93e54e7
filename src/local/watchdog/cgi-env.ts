/**
 * The `Http_*` environment variables a fork-per-call function sees (spec §1.6): one per request
 * header, named after Go's canonical header form, plus the method, path, query and lengths.
 */

/** Go's CanonicalMIMEHeaderKey: first letter and every letter after `-` upper-case, the rest lower-case. */
export function canonicalHeaderName(name: string): string {
  // Go leaves keys with characters outside the token set untouched.
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name
  let out = ''
  let upper = true
  for (const ch of name) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase()
    upper = ch === '-'
  }
  return out
}

/** `X-API-KEY` → `Http_X_Api_Key`. */
export function cgiVariableName(header: string): string {
  return 'Http_' + canonicalHeaderName(header).replaceAll('-', '_')
}

export interface CgiRequestInfo {
  method: string
  /** Raw header list as received (name, value, name, value…). */
  rawHeaders: string[]
  /** Path the function sees, already decoded. */
  path: string
  /** Raw query string without `?`, as sent. */
  query: string
  host?: string
  /** Parsed request length: -1 chunked, 0 no body. */
  contentLength: number
}

/** The variables to add to the function's environment for one request. */
export function cgiEnvironment(info: CgiRequestInfo, flavour: 'of-watchdog' | 'classic'): Record<string, string> {
  const env: Record<string, string> = {}
  const seen = new Set<string>()
  for (let i = 0; i + 1 < info.rawHeaders.length; i += 2) {
    const name = cgiVariableName(info.rawHeaders[i])
    // Go keeps every value of a header but the watchdog takes only the first one.
    if (seen.has(name)) continue
    seen.add(name)
    env[name] = info.rawHeaders[i + 1]
  }
  // Go moves these out of the header map, so they are set from the parsed request instead.
  delete env.Http_Host
  delete env.Http_Transfer_Encoding
  delete env.Http_Content_Length
  const te = headerValue(info.rawHeaders, 'transfer-encoding')
  if (te !== undefined) env.Http_Transfer_Encoding = te
  const sentLength = headerValue(info.rawHeaders, 'content-length')
  if (flavour === 'classic') {
    env.Http_ContentLength = String(info.contentLength)
    env.Http_Content_Length = String(info.contentLength)
    if (info.host !== undefined) env.Http_Host = info.host
  } else if (sentLength !== undefined) {
    env.Http_Content_Length = sentLength
  }
  env.Http_Method = info.method
  if (info.query !== '') env.Http_Query = info.query
  env.Http_Path = info.path
  return env
}

/** First value of a header from a raw header list (case-insensitive). */
export function headerValue(rawHeaders: string[], lowerName: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].length === lowerName.length && rawHeaders[i].toLowerCase() === lowerName) return rawHeaders[i + 1]
  }
  return undefined
}

/** Request length the way Go parses it: -1 for chunked, 0 when there is no body. */
export function parsedContentLength(rawHeaders: string[]): number {
  const te = headerValue(rawHeaders, 'transfer-encoding')
  if (te !== undefined && te.toLowerCase().includes('chunked')) return -1
  const cl = headerValue(rawHeaders, 'content-length')
  if (cl === undefined) return 0
  const n = Number.parseInt(cl, 10)
  return Number.isFinite(n) && n >= 0 ? n : 0
}

/** Decodes a URL path without throwing on malformed escapes (they are left as sent). */
export function decodePath(rawPath: string): string {
  if (!rawPath.includes('%')) return rawPath
  try {
    return decodeURIComponent(rawPath)
  } catch {
    return rawPath.replace(/%[0-9a-fA-F]{2}/g, (m) => {
      try {
        return decodeURIComponent(m)
      } catch {
        return m
      }
    })
  }
}

/**
 * Go's cleanPath for request routing: one leading slash, no `.`/`..` or doubled slashes, a
 * trailing slash kept.
 */
export function cleanPath(p: string): string {
  // the usual case costs one test: an absolute path with no empty, `.` or `..` segment
  if (p.length > 0 && p[0] === '/' && !/\/\.{0,2}(?:\/|$)/.test(p.slice(1)) && !p.startsWith('//') && p.indexOf('/.') === -1) return p
  if (p === '') return '/'
  if (p[0] !== '/') p = '/' + p
  const parts: string[] = []
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') parts.pop()
    else parts.push(seg)
  }
  let out = '/' + parts.join('/')
  if (p.endsWith('/') && out !== '/') out += '/'
  return out
}

/**
 * A path escaped as Go's URL.EscapedPath writes it: letters, digits, `-_.~` and `$&+,/:;=@`
 * stay, every other byte is percent-encoded.
 */
export function goEscapePath(p: string): string {
  let out = ''
  for (const byte of Buffer.from(p, 'utf8')) {
    const safe =
      (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || '-_.~$&+,/:;=@'.includes(String.fromCharCode(byte))
    out += safe ? String.fromCharCode(byte) : '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}
