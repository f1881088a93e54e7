/**
 * mode=static: serve `static_path` like a standard file server (spec §1.4): index.html or a
 * listing for directories, 404 for missing files, Content-Type by extension, single Range requests.
 */
import fs from 'node:fs'
import type {IncomingMessage, ServerResponse} from 'node:http'
import path from 'node:path'
import {goEscapePath} from './cgi-env.js'
import {sendText} from './respond.js'
import {detectContentType} from './sniff.js'
import type {RequestContext} from './types.js'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8', '.md': 'text/markdown; charset=utf-8', '.xml': 'text/xml; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.webp': 'image/webp', '.ico': 'image/vnd.microsoft.icon', '.avif': 'image/avif', '.wasm': 'application/wasm',
  '.pdf': 'application/pdf', '.zip': 'application/zip', '.gz': 'application/gzip', '.woff': 'font/woff',
  '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf', '.mp4': 'video/mp4', '.webm': 'video/webm',
  '.mp3': 'audio/mpeg', '.wav': 'audio/wav', '.csv': 'text/csv; charset=utf-8', '.map': 'application/json',
}

/** The type by extension; undefined for an unknown one (Go then sniffs the content). */
export function contentTypeFor(file: string): string | undefined {
  return TYPES[path.extname(file).toLowerCase()]
}

/** The type by extension, else by sniffing the file's first 512 bytes as Go's file server does. */
function fileContentType(file: string, done: (type: string) => void): void {
  const known = contentTypeFor(file)
  if (known) {
    done(known)
    return
  }
  fs.open(file, 'r', (err, fd) => {
    if (err) {
      done('application/octet-stream')
      return
    }
    const buf = Buffer.alloc(512)
    fs.read(fd, buf, 0, 512, 0, (e2, n) => {
      fs.close(fd, () => {})
      done(e2 ? 'application/octet-stream' : detectContentType(buf.subarray(0, n)))
    })
  })
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;'})[c]!)
}

/** A name as a relative link, escaped like a Go URL path (`./` before a colon in the first segment). */
function goPathHref(name: string): string {
  const out = goEscapePath(name)
  const colon = out.indexOf(':')
  const slash = out.indexOf('/')
  return colon !== -1 && (slash === -1 || colon < slash) ? './' + out : out
}

export class StaticMode {
  private readonly root: string

  constructor(root: string) {
    this.root = path.resolve(root)
  }

  handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    req.resume()
    // Like Go's file server (of-watchdog), every method reads: POST /a.txt serves a.txt.
    const extra = ctx.responseHeaders ?? []
    const notFound = () => sendText(res, 404, '404 page not found\n', [...extra, 'X-Content-Type-Options', 'nosniff'])
    const urlPath = path.posix.normalize(ctx.decodedPath.startsWith('/') ? ctx.decodedPath : '/' + ctx.decodedPath)
    // Never outside the root, whatever the path says (kept even where the server redirects `..`).
    const file = path.join(this.root, urlPath)
    if (file !== this.root && !file.startsWith(this.root + path.sep) && file + path.sep !== this.root + path.sep) {
      notFound()
      return
    }
    fs.stat(file.length > 1 && file.endsWith(path.sep) ? file.slice(0, -1) : file, (err, st) => {
      if (err) {
        notFound()
        return
      }
      const query = ctx.query ? '?' + ctx.query : ''
      if (st.isDirectory()) {
        if (!ctx.decodedPath.endsWith('/')) {
          this.redirect(res, path.posix.basename(urlPath) + '/' + query, extra)
          return
        }
        const index = path.join(file, 'index.html')
        fs.stat(index, (e2, ist) => {
          if (!e2 && ist.isFile()) this.sendFile(req, res, index, ist, extra)
          else this.listing(req, res, file, st, extra)
        })
        return
      }
      // A file server sends /index.html to its directory.
      if (ctx.decodedPath.endsWith('/index.html')) {
        this.redirect(res, './' + query, extra)
        return
      }
      if (ctx.decodedPath.endsWith('/')) {
        this.redirect(res, '../' + path.posix.basename(urlPath) + query, extra)
        return
      }
      this.sendFile(req, res, file, st, extra)
    })
  }

  private redirect(res: ServerResponse, location: string, extra: string[]): void {
    res.writeHead(301, [...extra, 'Location', location, 'Content-Length', '0'])
    res.end()
  }

  /** The folder listing in Go's file server format (names sorted, escaped as Go escapes them). */
  private listing(req: IncomingMessage, res: ServerResponse, dir: string, st: fs.Stats, extra: string[]): void {
    fs.readdir(dir, {withFileTypes: true}, (err, entries) => {
      if (err) {
        sendText(res, 500, 'Error reading directory\n', [...extra, 'X-Content-Type-Options', 'nosniff'])
        return
      }
      const items = entries
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((e) => {
          const name = e.isDirectory() ? e.name + '/' : e.name
          return `<a href="${goPathHref(name)}">${escapeHtml(name)}</a>\n`
        })
        .join('')
      const body = `<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n${items}</pre>\n`
      const headers = [...extra, 'Last-Modified', st.mtime.toUTCString()]
      if (req.method === 'HEAD') {
        res.writeHead(200, [...headers, 'Content-Type', 'text/html; charset=utf-8'])
        res.end()
        return
      }
      sendText(res, 200, body, headers, 'text/html; charset=utf-8')
    })
  }

  private sendFile(req: IncomingMessage, res: ServerResponse, file: string, st: fs.Stats, extra: string[]): void {
    fileContentType(file, (type) => this.sendTyped(req, res, file, st, extra, type))
  }

  private sendTyped(req: IncomingMessage, res: ServerResponse, file: string, st: fs.Stats, extra: string[], type: string): void {
    const size = st.size
    const headers = [
      ...extra,
      'Content-Type', type,
      'Last-Modified', st.mtime.toUTCString(),
      'Accept-Ranges', 'bytes',
    ]
    const ims = req.headers['if-modified-since']
    if (ims && !req.headers.range) {
      const since = Date.parse(ims)
      if (!Number.isNaN(since) && Math.floor(st.mtimeMs / 1000) * 1000 <= since) {
        res.writeHead(304, [...extra, 'Last-Modified', st.mtime.toUTCString()])
        res.end()
        return
      }
    }
    let start = 0
    let end = size - 1
    let status = 200
    const range = req.headers.range
    if (range && size > 0) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim())
      if (m && (m[1] !== '' || m[2] !== '')) {
        if (m[1] === '') {
          start = Math.max(0, size - Number(m[2]))
        } else {
          start = Number(m[1])
          if (m[2] !== '') end = Math.min(size - 1, Number(m[2]))
        }
        if (start >= size || start > end) {
          res.writeHead(416, [...extra, 'Content-Range', `bytes */${size}`, 'Content-Type', 'text/plain; charset=utf-8', 'X-Content-Type-Options', 'nosniff'])
          res.end('invalid range: failed to overlap\n')
          return
        }
        status = 206
        headers.push('Content-Range', `bytes ${start}-${end}/${size}`)
      }
    }
    headers.push('Content-Length', String(size === 0 ? 0 : end - start + 1))
    res.writeHead(status, headers)
    if (req.method === 'HEAD' || size === 0) {
      res.end()
      return
    }
    const stream = fs.createReadStream(file, {start, end})
    stream.on('error', () => res.destroy())
    stream.pipe(res)
  }
}
