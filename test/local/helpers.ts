/** Test helpers for the local runtime: temp dirs, fixture scripts, a plain HTTP client, free ports. */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'

export function tempDir(prefix = 'faas-local-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

export function writeFile(dir: string, name: string, content: string, mode = 0o644): string {
  const file = path.join(dir, name)
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, content, {mode})
  return file
}

export interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  rawHeaders: string[]
  body: Buffer
  text: string
}

export function request(
  url: string,
  opts: {method?: string; headers?: Record<string, string | string[]> | string[]; body?: string | Buffer; timeoutMs?: number; agent?: http.Agent | false} = {},
): Promise<Reply> {
  // Always frame a body with Content-Length (node sends DELETE bodies unframed otherwise).
  let headers = opts.headers
  if (opts.body !== undefined) {
    const length = String(Buffer.byteLength(opts.body))
    if (Array.isArray(headers)) {
      if (!headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'content-length')) headers = [...headers, 'Content-Length', length]
    } else if (!Object.keys(headers ?? {}).some((k) => k.toLowerCase() === 'content-length')) {
      headers = {...(headers ?? {}), 'Content-Length': length}
    }
  }
  return new Promise((resolve, reject) => {
    const u = new URL(url)
    const req = http.request(
      {host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? 'GET', headers, agent: opts.agent ?? false},
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          resolve({status: res.statusCode!, headers: res.headers, rawHeaders: res.rawHeaders, body, text: body.toString('utf8')})
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('client timeout')))
    req.end(opts.body)
  })
}

/** A free loopback port (the CLI's own helper). */
export {freeLoopbackPort as freePort} from '../../src/util/ports.js'

export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const start = Date.now()
  for (;;) {
    const v = await fn()
    if (v) return v as NonNullable<T>
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/**
 * A small function server for http mode: listens on $http_port (or $PORT), answers
 *  /echo            JSON of method, url, headers, base64 body
 *  /status/N        status N
 *  /sleep/MS        answers after MS milliseconds
 *  /crash           exits 1 without answering
 *  /multi           a response header with two values
 *  /flood/N         N log lines of 1,000 characters on stdout
 *  /pid             its process id and a random instance id (pids repeat in a sandbox's PID namespace)
 *  anything else    the request body back, with the request's Content-Type
 */
export const UPSTREAM_SCRIPT = `
const http = require('node:http')
const port = Number(process.env.http_port || process.env.PORT || 3000)
const instance = process.pid + '-' + Math.random().toString(36).slice(2)
console.log('starting on ' + port)
const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks)
    const url = req.url
    if (url.startsWith('/echo')) {
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({method: req.method, url, headers: req.headers, rawHeaders: req.rawHeaders, body: body.toString('base64'), env: {SECRETS: process.env.OPENFAAS_SECRETS_PATH, FOO: process.env.FOO}}))
    } else if (url.startsWith('/status/')) {
      res.statusCode = Number(url.split('/')[2]); res.end('status')
    } else if (url.startsWith('/sleep/')) {
      setTimeout(() => res.end('slept'), Number(url.split('/')[2]))
    } else if (url.startsWith('/crash')) {
      console.error('about to crash')
      process.exit(1)
    } else if (url.startsWith('/multi')) {
      res.setHeader('X-Multi', ['a', 'b']); res.setHeader('Set-Cookie', ['c=1', 'd=2']); res.end('multi')
    } else if (url.startsWith('/secret/')) {
      try { res.end(require('node:fs').readFileSync(require('node:path').join(process.env.OPENFAAS_SECRETS_PATH, url.slice(8)))) }
      catch (e) { res.statusCode = 404; res.end(String(e.code)) }
    } else if (url.startsWith('/log/')) {
      console.log('log line: ' + decodeURIComponent(url.slice(5))); res.end('logged')
    } else if (url.startsWith('/flood/')) {
      const line = 'x'.repeat(1000) + '\\n'
      process.stdout.write(line.repeat(Number(url.split('/')[2])), () => res.end('flooded'))
    } else if (url.startsWith('/sse')) {
      res.writeHead(200, {'Content-Type': 'text/event-stream'})
      let n = 0
      const t = setInterval(() => { res.write('data: ' + n + '\\n\\n'); if (++n === 4) { clearInterval(t); res.end() } }, 100)
    } else if (url.startsWith('/pid')) {
      res.end(instance)
    } else if (url.startsWith('/nocontenttype')) {
      res.removeHeader('Content-Type'); res.end('x')
    } else {
      if (req.headers['content-type']) res.setHeader('Content-Type', req.headers['content-type'])
      res.end(body)
    }
  })
})
server.on('upgrade', (req, socket) => {
  socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n\\r\\n')
  socket.on('data', (d) => socket.write('echo:' + d))
})
server.listen(port, '127.0.0.1')
process.on('SIGTERM', () => { server.close(); process.exit(0) })
`

/** A fork-mode function: prints its Http_* variables as JSON (stdin is read and its length added). */
export const ENV_SCRIPT = `
const chunks = []
process.stdin.on('data', (c) => chunks.push(c))
process.stdin.on('end', () => {
  const env = {}
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('Http_')) env[k] = v
  env.bodyLength = Buffer.concat(chunks).length
  process.stdout.write(JSON.stringify(env))
})
`

/** A function "built" for tests: a folder with the fixture scripts, recorded in a private image index. */
export async function registerTestImage(
  indexPath: string,
  image: string,
  settings: {mode: 'http' | 'streaming' | 'serializing' | 'classic' | 'static'; run: string; port_env?: string; environment?: Record<string, string>; dir?: string; image_fprocess?: string},
): Promise<string> {
  const {recordImage, normaliseImageRef} = await import('../../src/local/image-index.js')
  const dir = settings.dir ?? tempDir('faas-fn-')
  writeFile(dir, 'upstream.cjs', UPSTREAM_SCRIPT)
  writeFile(dir, 'env.cjs', ENV_SCRIPT)
  await recordImage(
    {
      image: normaliseImageRef(image),
      dir,
      digest: 'sha256:' + '0'.repeat(64),
      run: settings.run,
      mode: settings.mode,
      port_env: settings.port_env,
      environment: settings.environment ?? {},
      image_fprocess: settings.image_fprocess,
      builtAt: new Date().toISOString(),
    },
    indexPath,
  )
  return dir
}

export function json(reply: Reply): any {
  return JSON.parse(reply.text)
}
