/**
 * /ui/: the portal, as the OpenFaaS gateway has one. The page is three hand-written files shipped
 * in the package (portal/: index.html, app.js, style.css, icon.svg) and talks to the gateway's
 * own API from the browser (same origin, the browser's basic-auth credentials). Nothing is fetched
 * from the network. The router has already checked Host/Origin and the credentials.
 *
 * The one thing the page can't get from the provider API is which function-store entries can run
 * here: /ui/api/store answers the shipped store with, for each entry, the deploy body `faas store
 * deploy` would send and whether its image is in the local image index (the embedded gateway runs
 * nothing else).
 *
 * Every answer under /ui/ carries a strict Content-Security-Policy (scripts, styles and fetches
 * from this origin only, no inline script, no framing) and `nosniff`.
 */
import {createHash} from 'node:crypto'
import {promises as fs} from 'node:fs'
import type {IncomingMessage, ServerResponse} from 'node:http'
import path from 'node:path'
import {gzipSync} from 'node:zlib'
import {packageRoot} from '../../util/package-root.js'
import {sendText} from '../watchdog/respond.js'
import {redirect, sendJson} from './http.js'
import type {RouteContext} from './routes/context.js'

export const PORTAL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Headers of every /ui/ answer. */
const PORTAL_HEADERS = [
  'Content-Security-Policy', PORTAL_CSP,
  'X-Content-Type-Options', 'nosniff',
  'X-Frame-Options', 'DENY',
  'Referrer-Policy', 'no-referrer',
  'Cross-Origin-Opener-Policy', 'same-origin',
  'Cross-Origin-Resource-Policy', 'same-origin',
]

/** The files of the page, by the name they are asked for under /ui/. */
const FILES: Record<string, {file: string; type: string}> = {
  '': {file: 'index.html', type: 'text/html; charset=utf-8'},
  'index.html': {file: 'index.html', type: 'text/html; charset=utf-8'},
  'app.js': {file: 'app.js', type: 'text/javascript; charset=utf-8'},
  'style.css': {file: 'style.css', type: 'text/css; charset=utf-8'},
  'icon.svg': {file: 'icon.svg', type: 'image/svg+xml'},
}

interface Asset {
  type: string
  body: Buffer
  gzip: Buffer
  etag: string
}

/** The folder holding the page's files (package.json "files" ships it). */
export function portalDir(): string {
  return path.join(packageRoot(), 'portal')
}

// read once, on the first request (the files belong to the installed package and don't change)
let assets: Promise<Map<string, Asset>> | undefined

async function loadAssets(): Promise<Map<string, Asset>> {
  const dir = portalDir()
  const out = new Map<string, Asset>()
  for (const [name, {file, type}] of Object.entries(FILES)) {
    const body = await fs.readFile(path.join(dir, file))
    const etag = '"' + createHash('sha256').update(body).digest('base64url').slice(0, 27) + '"'
    out.set(name, {type, body, gzip: gzipSync(body, {level: 9}), etag})
  }
  return out
}

export function portalRoute(req: IncomingMessage, res: ServerResponse, pathname: string, ctx: RouteContext): void {
  req.resume()
  const method = req.method ?? 'GET'
  if (pathname === '/ui') return redirect(res, '/ui/', 301)
  const rest = pathname.slice('/ui/'.length)
  if (method !== 'GET' && method !== 'HEAD') return sendText(res, 405, 'Method Not Allowed\n', [...PORTAL_HEADERS, 'Allow', 'GET, HEAD'])
  const answer = rest === 'api/store' ? sendStore(res, ctx) : sendAsset(req, res, rest, method === 'HEAD')
  answer.catch((err) => {
    ctx.log(`portal: ${(err as Error)?.stack ?? String(err)}`)
    sendText(res, 500, 'internal error of the faas gateway (see its log)\n', PORTAL_HEADERS)
  })
}

async function sendAsset(req: IncomingMessage, res: ServerResponse, name: string, head: boolean): Promise<void> {
  if (!Object.hasOwn(FILES, name)) return sendText(res, 404, '404 page not found\n', PORTAL_HEADERS)
  assets ??= loadAssets()
  let all: Map<string, Asset>
  try {
    all = await assets
  } catch (err) {
    assets = undefined
    throw err
  }
  const a = all.get(name)!
  const headers = [...PORTAL_HEADERS, 'ETag', a.etag, 'Cache-Control', 'no-cache', 'Vary', 'Accept-Encoding']
  if (etagMatches(req.headers['if-none-match'], a.etag)) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  const gzip = acceptsGzip(req.headers['accept-encoding'])
  const body = gzip ? a.gzip : a.body
  if (gzip) headers.push('Content-Encoding', 'gzip')
  res.writeHead(200, [...headers, 'Content-Type', a.type, 'Content-Length', String(body.length)])
  res.end(head ? undefined : body)
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((t) => {
    const v = t.trim()
    return v === '*' || v === etag || v === 'W/' + etag
  })
}

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';')
    if (coding.trim() !== 'gzip') return false
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    return !q || Number(q.slice(2)) > 0
  })
}

/** One function-store entry as the portal shows it. */
export interface PortalStoreEntry {
  name: string
  title: string
  description: string
  author: string
  repo_url: string
  image: string
  /** Its image is in the local image index (built on this machine), so the gateway can run it. */
  runnable: boolean
  /** The body `faas store deploy NAME` sends (without a namespace: the page adds the one shown). */
  deployment: unknown
}

async function sendStore(res: ServerResponse, ctx: RouteContext): Promise<void> {
  const [{functionsForPlatform, loadFunctionStore, shippedStorePath, storePlatform}, {storeDeployment}, {normaliseImageRef, readImageIndex}, {isDirectory}] = await Promise.all([
    import('../../store/index.js'),
    import('../../store/deploy.js'),
    import('../image-index.js'),
    import('../../fsutil.js'),
  ])
  const platform = storePlatform(undefined)
  // the shipped index only: the gateway makes no requests to the network on a page's behalf
  const {store} = await loadFunctionStore({url: shippedStorePath()})
  const index = await readImageIndex(ctx.registry.imageIndexPath)
  const noFlags = {name: '', namespace: '', env: [], label: [], annotation: [], constraint: [], secret: [], cpuRequest: '', cpuLimit: '', memoryRequest: '', memoryLimit: ''}
  const functions: PortalStoreEntry[] = []
  for (const fn of functionsForPlatform(store, platform)) {
    const image = fn.images[platform]
    const built = index.images[normaliseImageRef(image)] ?? index.images[image]
    functions.push({
      name: fn.name,
      title: fn.title ?? fn.name,
      description: fn.description ?? '',
      author: fn.author ?? '',
      repo_url: typeof fn.repo_url === 'string' ? fn.repo_url : '',
      image,
      runnable: built !== undefined && (await isDirectory(built.dir)),
      deployment: await storeDeployment(fn, platform, noFlags),
    })
  }
  sendJson(res, 200, {platform, functions}, [...PORTAL_HEADERS, 'Cache-Control', 'no-store'])
}
