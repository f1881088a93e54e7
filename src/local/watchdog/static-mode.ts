/**
 * mode=static: serve `static_path` like a standard file server (spec §1.4): index.html or a
 * listing for directories, 404 for missing files, Content-Type by extension, single Range requests.
 */
import fs from 'node:fs'
import type {IncomingMessage, ServerResponse} from 'node:http'
import path from 'node:path'
import {sendText} from './respond.js'
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

export function contentTypeFor(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)
}

export class StaticMode {
  private readonly root: string

  constructor(root: string) {
    this.root = path.resolve(root)
  }

  handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    req.resume()
    const extra = ctx.responseHeaders ?? []
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'method not allowed\n', [...extra, 'Allow', 'GET, HEAD'])
      return
    }
    const urlPath = path.posix.normalize(ctx.decodedPath.startsWith('/') ? ctx.decodedPath : '/' + ctx.decodedPath)
    const file = path.join(this.root, urlPath)
    if (file !== this.root && !file.startsWith(this.root + path.sep)) {
      sendText(res, 404, '404 page not found\n', extra)
      return
    }
    fs.stat(file, (err, st) => {
      if (err) {
        sendText(res, 404, '404 page not found\n', extra)
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
          else this.listing(req, res, file, extra)
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

  private listing(req: IncomingMessage, res: ServerResponse, dir: string, extra: string[]): void {
    fs.readdir(dir, {withFileTypes: true}, (err, entries) => {
      if (err) {
        sendText(res, 500, 'error reading directory\n', extra)
        return
      }
      const items = entries
        .map((e) => (e.isDirectory() ? e.name + '/' : e.name))
        .sort()
        .map((n) => `<a href="${escapeHtml(encodeURI(n))}">${escapeHtml(n)}</a>\n`)
        .join('')
      const body = `<pre>\n${items}</pre>\n`
      if (req.method === 'HEAD') {
        res.writeHead(200, [...extra, 'Content-Type', 'text/html; charset=utf-8'])
        res.end()
        return
      }
      sendText(res, 200, body, extra, 'text/html; charset=utf-8')
    })
  }

  private sendFile(req: IncomingMessage, res: ServerResponse, file: string, st: fs.Stats, extra: string[]): void {
    const size = st.size
    const headers = [
      ...extra,
      'Content-Type', contentTypeFor(file),
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
          res.writeHead(416, [...extra, 'Content-Range', `bytes */${size}`, 'Content-Type', 'text/plain; charset=utf-8'])
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
