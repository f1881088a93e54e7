/** Small response helpers shared by the watchdog modes and the embedded gateway. */
import type {ServerResponse} from 'node:http'

/** Headers that describe one connection and must not be forwarded by a proxy (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade',
])

export function isHopByHop(lowerName: string): boolean {
  return HOP_BY_HOP.has(lowerName)
}

/** Copies a raw header list without hop-by-hop headers (and those named in `Connection`). */
export function forwardableHeaders(raw: string[], extra?: string[]): string[] {
  const out: string[] = []
  let named: Set<string> | undefined
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = raw[i].toLowerCase()
    if (lower === 'connection') {
      for (const token of raw[i + 1].split(',')) {
        const t = token.trim().toLowerCase()
        if (t) (named ??= new Set()).add(t)
      }
    }
  }
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = raw[i].toLowerCase()
    if (HOP_BY_HOP.has(lower) || named?.has(lower)) continue
    out.push(raw[i], raw[i + 1])
  }
  if (extra) for (const v of extra) out.push(v)
  return out
}

/** Sends a complete plain-text response, adding `headers` (raw pairs). Does nothing if headers were already sent. */
export function sendText(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: string[] = [],
  contentType = 'text/plain; charset=utf-8',
): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const buf = typeof body === 'string' ? Buffer.from(body) : body
  const all = [...headers]
  if (contentType) all.push('Content-Type', contentType)
  all.push('Content-Length', String(buf.length))
  res.writeHead(status, all)
  res.end(buf)
}

/** True when a raw header list has the header (case-insensitive). */
export function hasHeader(raw: string[], lowerName: string): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === lowerName.length && raw[i].toLowerCase() === lowerName) return true
  }
  return false
}
