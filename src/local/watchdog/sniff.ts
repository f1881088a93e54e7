/**
 * Content-Type sniffing as Go's net/http does it when a handler writes a body without a
 * Content-Type (the WHATWG MIME sniffing rules, first 512 bytes): the Go watchdogs answer a
 * function's untyped output with what this returns, so ours does too.
 */

const TEXT_UTF8 = 'text/plain; charset=utf-8'
const HTML = 'text/html; charset=utf-8'

/** Tags that mark HTML when they open the body (after whitespace), matched case-insensitively. */
const HTML_TAGS = [
  '<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE',
  '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--',
].map((t) => Buffer.from(t, 'latin1'))

/** Byte patterns: `pattern` compared under `mask` (0xff where absent) at the start of the body. */
interface Magic {
  pattern: number[]
  mask?: number[]
  type: string
  /** Compared after leading whitespace. */
  skipSpace?: boolean
}

const b = (s: string): number[] => [...Buffer.from(s, 'latin1')]
const ff = (n: number): number[] => new Array(n).fill(0xff)

// In the order the rules apply: the first match wins.
const MAGIC_BEFORE_IMAGES: Magic[] = [
  {pattern: b('<?xml'), type: 'text/xml; charset=utf-8', skipSpace: true},
  {pattern: b('%PDF-'), type: 'application/pdf'},
  {pattern: b('%!PS-Adobe-'), type: 'application/postscript'},
  {pattern: [0xfe, 0xff, 0, 0], mask: [0xff, 0xff, 0, 0], type: 'text/plain; charset=utf-16be'},
  {pattern: [0xff, 0xfe, 0, 0], mask: [0xff, 0xff, 0, 0], type: 'text/plain; charset=utf-16le'},
  {pattern: [0xef, 0xbb, 0xbf, 0], mask: [0xff, 0xff, 0xff, 0], type: TEXT_UTF8},
  {pattern: [0, 0, 1, 0], type: 'image/x-icon'},
  {pattern: [0, 0, 2, 0], type: 'image/x-icon'},
  {pattern: b('BM'), type: 'image/bmp'},
  {pattern: b('GIF87a'), type: 'image/gif'},
  {pattern: b('GIF89a'), type: 'image/gif'},
  {pattern: [...b('RIFF'), 0, 0, 0, 0, ...b('WEBPVP')], mask: [...ff(4), 0, 0, 0, 0, ...ff(6)], type: 'image/webp'},
  {pattern: [0x89, ...b('PNG\r\n\x1a\n')], type: 'image/png'},
  {pattern: [0xff, 0xd8, 0xff], type: 'image/jpeg'},
  {pattern: [...b('FORM'), 0, 0, 0, 0, ...b('AIFF')], mask: [...ff(4), 0, 0, 0, 0, ...ff(4)], type: 'audio/aiff'},
  {pattern: b('ID3'), type: 'audio/mpeg'},
  {pattern: [...b('OggS'), 0], type: 'application/ogg'},
  {pattern: [...b('MThd'), 0, 0, 0, 6], type: 'audio/midi'},
  {pattern: [...b('RIFF'), 0, 0, 0, 0, ...b('AVI ')], mask: [...ff(4), 0, 0, 0, 0, ...ff(4)], type: 'video/avi'},
  {pattern: [...b('RIFF'), 0, 0, 0, 0, ...b('WAVE')], mask: [...ff(4), 0, 0, 0, 0, ...ff(4)], type: 'audio/wave'},
]

const MAGIC_AFTER_MP4: Magic[] = [
  {pattern: [0x1a, 0x45, 0xdf, 0xa3], type: 'video/webm'},
  // Embedded OpenType: "LP" at offset 34.
  {pattern: [...new Array(34).fill(0), ...b('LP')], mask: [...new Array(34).fill(0), 0xff, 0xff], type: 'application/vnd.ms-fontobject'},
  {pattern: [0, 1, 0, 0], type: 'font/ttf'},
  {pattern: b('OTTO'), type: 'font/otf'},
  {pattern: b('ttcf'), type: 'font/collection'},
  {pattern: b('wOFF'), type: 'font/woff'},
  {pattern: b('wOF2'), type: 'font/woff2'},
  {pattern: [0x1f, 0x8b, 0x08], type: 'application/x-gzip'},
  {pattern: b('PK\x03\x04'), type: 'application/zip'},
  {pattern: b('Rar!\x1a\x07\x00'), type: 'application/x-rar-compressed'},
  {pattern: b('Rar!\x1a\x07\x01\x00'), type: 'application/x-rar-compressed'},
  {pattern: [0, 0x61, 0x73, 0x6d], type: 'application/wasm'},
]

function isSpace(c: number): boolean {
  return c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20
}

function matches(data: Buffer, at: number, m: Magic): boolean {
  if (data.length - at < m.pattern.length) return false
  for (let i = 0; i < m.pattern.length; i++) {
    const mask = m.mask ? m.mask[i] : 0xff
    if ((data[at + i] & mask) !== m.pattern[i]) return false
  }
  return true
}

function isHtml(data: Buffer, at: number): boolean {
  for (const tag of HTML_TAGS) {
    if (data.length - at < tag.length + 1) continue
    let ok = true
    for (let i = 0; i < tag.length && ok; i++) {
      let c = data[at + i]
      // letters in the tag match either case
      if (tag[i] >= 0x41 && tag[i] <= 0x5a) c &= 0xdf
      ok = c === tag[i]
    }
    if (!ok) continue
    const next = data[at + tag.length]
    if (next === 0x20 || next === 0x3e) return true
  }
  return false
}

/** The ISO base media file signature: an `ftyp` box naming an `mp4` brand. */
function isMp4(data: Buffer): boolean {
  if (data.length < 12) return false
  const box = data.readUInt32BE(0)
  if (box % 4 !== 0 || data.length < box) return false
  if (data.toString('latin1', 4, 8) !== 'ftyp') return false
  for (let at = 8; at < box; at += 4) {
    if (at === 12) continue // minor version
    if (data.toString('latin1', at, at + 3) === 'mp4') return true
  }
  return false
}

/** Go's http.DetectContentType: always a valid type, `application/octet-stream` when nothing fits. */
export function detectContentType(body: Buffer): string {
  const data = body.length > 512 ? body.subarray(0, 512) : body
  let first = 0
  while (first < data.length && isSpace(data[first])) first++
  if (isHtml(data, first)) return HTML
  for (const m of MAGIC_BEFORE_IMAGES) if (matches(data, m.skipSpace ? first : 0, m)) return m.type
  if (isMp4(data)) return 'video/mp4'
  for (const m of MAGIC_AFTER_MP4) if (matches(data, 0, m)) return m.type
  for (let i = first; i < data.length; i++) {
    const c = data[i]
    if (c <= 0x08 || c === 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f)) return 'application/octet-stream'
  }
  return TEXT_UTF8
}
