'use strict'

// Runtime for the node20 template. The of-watchdog (mode=http) starts this server once and
// forwards every request to it; `faas local-run` starts it directly. It uses node:http only, so
// the function runs without downloading any package.
//
// Handler contract: `async (event, context)`; `event` has body, headers, method, query and path;
// `context` has status(), headers(), succeed(), fail() and secret(name). A legacy
// `(err, result)` callback is passed as the third argument.

const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')
const handler = require('./function/handler')

const port = Number(process.env.http_port || 3000)
const rawBody = process.env.RAW_BODY === 'true'
const maxJsonSize = parseSize(process.env.MAX_JSON_SIZE, 100 * 1024)
const maxRawSize = parseSize(process.env.MAX_RAW_SIZE, 100 * 1024)
const maxTextSize = 100 * 1024
const maxFormSize = 100 * 1024

const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

class HttpError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

class FunctionEvent {
  constructor(req, body, url) {
    this.body = body
    this.headers = req.headers
    this.method = req.method
    this.query = parseQuery(url.search.slice(1))
    this.path = url.pathname
  }
}

class FunctionContext {
  constructor(callback) {
    this.statusCode = 200
    this.headerValues = {}
    this.callback = callback
  }

  status(code) {
    if (code === undefined) return this.statusCode
    this.statusCode = code
    return this
  }

  // Replaces the whole header map (it does not merge), like the upstream template.
  headers(values) {
    if (values === undefined) return this.headerValues
    this.headerValues = values
    return this
  }

  succeed(value) {
    this.callback(undefined, value)
  }

  fail(err) {
    if (this.statusCode === 200) this.statusCode = 500
    this.callback(err === undefined ? new Error('function failed') : err, undefined)
  }

  // The value of a secret made with `faas secret create NAME` and listed under the function's
  // `secrets:` in stack.yaml (one trailing newline, as left by --from-file, is dropped).
  secret(name) {
    return readSecret(name)
  }
}

// Secrets are files in $OPENFAAS_SECRETS_PATH (the local runtime) or /var/openfaas/secrets
// (in a container). Read on every call, so an updated secret is seen without a restart.
function readSecret(name) {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`invalid secret name: ${JSON.stringify(name)}`)
  const dir = process.env.OPENFAAS_SECRETS_PATH || '/var/openfaas/secrets'
  try {
    return fs.readFileSync(path.join(dir, name), 'utf8').replace(/\r?\n$/, '')
  } catch (err) {
    if (err.code !== 'ENOENT') throw err
    throw new Error(`secret ${name} not found in ${dir}: create it with "faas secret create ${name}" and list it under "secrets:" in stack.yaml`)
  }
}

// "100kb", "1mb", "2048" -> bytes (the size strings body-parser accepts)
function parseSize(value, fallback) {
  if (!value) return fallback
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value)
  if (!m) return fallback
  const unit = {b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3}[(m[2] || 'b').toLowerCase()]
  return Math.floor(Number(m[1]) * unit)
}

// a=1&a=2 -> {a: ['1', '2']}; a[b]=1 -> {a: {b: '1'}}; a[]=1 -> {a: ['1']}
function parseQuery(text) {
  const out = {}
  if (!text) return out
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = splitKey(rawKey)
    if (parts.some((p) => UNSAFE_KEYS.has(p))) continue
    assign(out, parts, value)
  }
  return out
}

function splitKey(key) {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(key)
  if (!m) return [key]
  const rest = m[2].slice(1, -1).split('][')
  return [m[1], ...rest]
}

function assign(target, parts, value) {
  const [head, ...rest] = parts
  if (rest.length === 0) {
    if (Array.isArray(target)) {
      if (head === '') target.push(value)
      else target[Number(head)] = value
      return
    }
    const existing = target[head]
    if (existing === undefined) target[head] = value
    else if (Array.isArray(existing)) existing.push(value)
    else if (typeof existing === 'string') target[head] = [existing, value]
    return
  }
  const wantsArray = rest[0] === '' || /^\d{1,2}$/.test(rest[0])
  let child = Array.isArray(target) ? target[Number(head)] : target[head]
  if (child === undefined || typeof child !== 'object') {
    child = wantsArray ? [] : {}
    if (Array.isArray(target)) target[head === '' ? target.length : Number(head)] = child
    else target[head] = child
  }
  assign(child, rest, value)
}

function hasBody(req) {
  return req.headers['transfer-encoding'] !== undefined || !Number.isNaN(Number.parseInt(req.headers['content-length'], 10))
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      // over the limit: keep reading (and dropping) so the client gets the 413, not a reset
      if (size <= limit) chunks.push(chunk)
    })
    req.on('end', () => (size > limit ? reject(new HttpError(413, 'request entity too large')) : resolve(Buffer.concat(chunks))))
    req.on('error', reject)
  })
}

async function parseBody(req) {
  if (!req.headers['content-type']) req.headers['content-type'] = 'text/plain'
  const type = req.headers['content-type'].split(';')[0].trim().toLowerCase()
  if (rawBody) return hasBody(req) ? readBody(req, maxRawSize) : {}
  if (!hasBody(req)) return {}
  if (type === 'application/json' || type.endsWith('+json')) {
    const text = (await readBody(req, maxJsonSize)).toString('utf8')
    if (text.trim() === '') return {}
    try {
      return JSON.parse(text)
    } catch {
      throw new HttpError(400, 'invalid JSON in request body')
    }
  }
  if (type.startsWith('text/')) return (await readBody(req, maxTextSize)).toString('utf8')
  if (type === 'application/x-www-form-urlencoded') return parseQuery((await readBody(req, maxFormSize)).toString('utf8'))
  req.resume()
  return {}
}

function hasHeader(headers, name) {
  return Object.keys(headers).some((k) => k.toLowerCase() === name)
}

function send(req, res, status, headers, value) {
  let body
  let contentType
  if (typeof value === 'number') {
    // a bare number is a status code (as with Express 4's res.send(number))
    status = value
    body = http.STATUS_CODES[value] || String(value)
    contentType = 'text/plain; charset=utf-8'
  } else if (Buffer.isBuffer(value)) {
    body = value
    contentType = 'application/octet-stream'
  } else if (value === undefined || value === null) {
    body = ''
  } else if (typeof value === 'string') {
    body = value
    contentType = 'text/html; charset=utf-8'
  } else {
    body = JSON.stringify(value)
    contentType = 'text/html; charset=utf-8'
  }
  for (const [name, v] of Object.entries(headers || {})) {
    if (v !== undefined) res.setHeader(name, v)
  }
  if (contentType && !hasHeader(headers || {}, 'content-type')) res.setHeader('Content-Type', contentType)
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')
  res.setHeader('Content-Length', bytes.length)
  res.statusCode = status
  res.end(req.method === 'HEAD' ? undefined : bytes)
}

async function handle(req, res) {
  if (!ALLOWED_METHODS.includes(req.method)) {
    res.writeHead(405, {'Content-Type': 'text/plain; charset=utf-8', Allow: ALLOWED_METHODS.join(', ')})
    res.end('Method Not Allowed\n')
    return
  }
  const url = new URL(req.url, 'http://localhost')
  let body
  try {
    body = await parseBody(req)
  } catch (err) {
    const status = err instanceof HttpError ? err.status : 400
    res.writeHead(status, {'Content-Type': 'text/plain; charset=utf-8', Connection: 'close'})
    res.end(err.message)
    return
  }

  let sent = false
  const callback = (err, value) => {
    if (sent) return
    sent = true
    if (err) {
      // the function's logs show why it failed (the caller only gets err.toString())
      console.error(err)
      send(req, res, context.status(), context.headers(), err && err.toString ? err.toString() : String(err))
      return
    }
    send(req, res, context.status(), context.headers(), value)
  }
  const context = new FunctionContext(callback)
  const event = new FunctionEvent(req, body, url)
  try {
    const result = handler(event, context, callback)
    // A handler written in the callback style (three parameters, no promise) answers later.
    if (handler.length >= 3 && !(result && typeof result.then === 'function')) return
    const value = await result
    if (!sent) callback(undefined, value)
  } catch (err) {
    // Like the upstream template: a thrown error keeps the current status (200 unless set).
    callback(err)
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error(err)
    if (!res.headersSent) res.writeHead(500)
    res.end()
  })
})

server.listen(port, '127.0.0.1', () => {
  console.log(`node20 function listening on 127.0.0.1:${port}`)
})

process.on('SIGTERM', () => {
  server.close(() => process.exit(0))
  // keep-alive sockets would hold close() open; end them once in-flight requests are done
  server.closeIdleConnections()
})
