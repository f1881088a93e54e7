/**
 * The watchdog parity matrix: the same environment and the same requests for the Go watchdogs
 * (of-watchdog, classic-watchdog) and `faas watchdog`. Two users:
 *  - bench/watchdog-parity.ts (dev only, needs /opt/ref binaries) runs every case on both and
 *    prints a table; with --write it records what Go answered in test/local/watchdog-parity.expected.json;
 *  - test/local/watchdog-parity.test.ts (CI) runs every case on ours and compares with that record.
 *
 * A case's observation is its status (or how the connection failed), its response headers except
 * framing ones (Date, Content-Length, Transfer-Encoding, Connection, Keep-Alive) with time-valued
 * ones reduced to "present", and its body (text, base64, or a digest when large).
 *
 * Where ours differs on purpose (each is marked `deliberate` below or noted here):
 *  - streaming output is sent as it is produced (Go holds the first 4 KiB), which shows at
 *    write_timeout: ours has sent the start of the answer when it cuts the connection;
 *  - a taken metrics port leaves the watchdog up without metrics (Go's exits);
 *  - static mode never serves outside static_path whatever the path (Go's router redirects `..`
 *    away first, as ours does, so the check is a second line of defence, not a difference);
 *  - headers the http-mode function receives are not compared: Go's client adds
 *    `Accept-Encoding: gzip` and `User-Agent: Go-http-client/1.1` and sends bodies chunked.
 */
import {createHash} from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'

export type Flavour = 'of-watchdog' | 'classic'

export interface Observation {
  status: number | string
  headers: Record<string, string>
  body: string
}

export type Body = string | {repeat: string; times: number}

export interface ParityRequest {
  method?: string
  /** Sent as is (not normalised), so `/a/../b` reaches the server. */
  path: string
  headers?: Array<[string, string]>
  body?: Body
  /** Send the body chunked (no Content-Length). */
  chunked?: boolean
  timeoutMs?: number
  /** Send no Host header at all. */
  noHost?: boolean
}

export interface ParityCase {
  name: string
  req?: ParityRequest
  /** Observe the watchdog process instead: its exit code within a few seconds (or "running"). */
  exit?: boolean
  /** Started first and finished after the case (max_inflight). */
  background?: ParityRequest
  /**
   * Where ours answers differently on purpose: the reason. Counted as a difference; the test
   * expects `ours` instead of Go's answer.
   */
  deliberate?: {reason: string; ours: Partial<Observation>}
}

export interface Fixtures {
  dir: string
  node: string
  script(name: string): string
  staticDir: string
  listingDir: string
}

export interface GroupEnvContext {
  fx: Fixtures
  /** A free port for the function's own server (http mode). */
  upstreamPort: number
}

export interface ParityGroup {
  name: string
  flavour: Flavour
  env: (c: GroupEnvContext) => Record<string, string>
  /** Before the cases: poll this path until it answers 200 (http mode functions start in the background). */
  warmup?: string
  cases: ParityCase[]
}

export interface Target {
  url: string
  /** Resolves with the exit code when the watchdog process ends (never, if it does not). */
  exited: Promise<number>
  stop(): Promise<void>
}

export type StartTarget = (group: ParityGroup, env: Record<string, string>) => Promise<Target>

const MiB = {repeat: 'abcdefgh', times: 131_072}

// ---- fixtures ------------------------------------------------------------------------------------

const UPSTREAM = `
const http = require('node:http')
const crypto = require('node:crypto')
const port = Number(process.env.http_port)
const delay = Number(process.env.start_delay_ms || 0)
const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks)
    const url = req.url
    const route = url.split('?')[0]
    if (route === '/text') { res.setHeader('Content-Type', 'text/plain'); res.end('hello') }
    else if (route === '/noct') { res.end('hello world') }
    else if (route === '/noct-html') { res.end('<html><body>hi</body></html>') }
    else if (route === '/noct-json') { res.end('{"a":1}') }
    else if (route === '/noct-empty') { res.end() }
    else if (route === '/noct-binary') { res.end(Buffer.from([0, 1, 2, 3, 4, 5])) }
    else if (route.startsWith('/status/')) { res.statusCode = Number(route.split('/')[2]); res.setHeader('Content-Type', 'text/plain'); res.end('status ' + res.statusCode) }
    else if (route === '/redirect') { res.statusCode = 302; res.setHeader('Location', '/text'); res.end() }
    else if (route === '/multi') { res.setHeader('X-Multi', ['a', 'b']); res.setHeader('Set-Cookie', ['c=1', 'd=2']); res.setHeader('Content-Type', 'text/plain'); res.end('multi') }
    else if (route.startsWith('/sleep/')) { setTimeout(() => { res.setHeader('Content-Type', 'text/plain'); res.end('slept') }, Number(route.split('/')[2])) }
    else if (route === '/crash') { process.exit(1) }
    else if (route === '/ready') { res.setHeader('Content-Type', 'text/plain'); res.setHeader('X-Ready', 'yes'); res.end('ready\\n') }
    else if (route === '/sse') {
      res.writeHead(200, {'Content-Type': 'text/event-stream'})
      res.write('data: 1\\n\\n'); res.end('data: 2\\n\\n')
    }
    else if (route === '/echo') {
      const seen = {}
      for (const h of ['content-type', 'x-custom', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-call-id']) if (req.headers[h] !== undefined) seen[h] = req.headers[h]
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({method: req.method, url, headers: seen, bodyLength: body.length, bodySha: crypto.createHash('sha256').update(body).digest('hex').slice(0, 16)}))
    }
    else { if (req.headers['content-type']) res.setHeader('Content-Type', req.headers['content-type']); res.end(body) }
  })
})
setTimeout(() => server.listen(port, '127.0.0.1'), delay)
`

const SCRIPTS: Record<string, string> = {
  'upstream.cjs': UPSTREAM,
  // never listens (http mode: an upstream that never comes up)
  'idle.cjs': `setInterval(() => {}, 60000)`,
  'exit0.cjs': `process.exit(0)`,
  'env.cjs': `
const chunks = []
process.stdin.on('data', (c) => chunks.push(c))
process.stdin.on('end', () => {
  const env = {}
  for (const k of Object.keys(process.env).sort()) if (k.startsWith('Http_')) env[k] = process.env[k]
  env.bodyLength = Buffer.concat(chunks).length
  process.stdout.write(JSON.stringify(env) + '\\n')
})`,
  // the pauses keep stdout and stderr in order where they are merged (ours reads two pipes)
  'fail.cjs': `process.stdin.resume(); process.stdin.on('end', () => { process.stdout.write('partial output\\n'); setTimeout(() => { process.stderr.write('oops\\n'); setTimeout(() => process.exit(3), 150) }, 150) })`,
  'sleep.cjs': `process.stdin.resume(); process.stdout.write('before\\n'); setTimeout(() => process.stdout.write('after\\n'), 3000)`,
  'stderr.cjs': `process.stdin.resume(); process.stdin.on('end', () => { process.stdout.write('out1\\n'); setTimeout(() => { process.stderr.write('err1\\n'); setTimeout(() => process.stdout.write('out2\\n'), 150) }, 150) })`,
  'html.cjs': `process.stdin.resume(); process.stdin.on('end', () => process.stdout.write('<!DOCTYPE html><html><body>x</body></html>'))`,
  'binary.cjs': `process.stdin.resume(); process.stdin.on('end', () => process.stdout.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])))`,
  'json.cjs': `process.stdin.resume(); process.stdin.on('end', () => process.stdout.write('{"ok":true}'))`,
  // exits at once without reading its stdin
  'nostdin.cjs': `process.stdout.write('gone\\n')`,
}

export function writeFixtures(dir: string, node = process.execPath): Fixtures {
  for (const [name, text] of Object.entries(SCRIPTS)) fs.writeFileSync(path.join(dir, name), text)
  const staticDir = path.join(dir, 'public')
  const files: Record<string, string> = {
    'index.html': '<html><body>home</body></html>\n',
    'a.txt': 'alpha text\n',
    'data.json': '{"k":"v"}\n',
    'style.css': 'body { color: red }\n',
    'sub/b.txt': 'bravo\n',
    'sub/page.html': '<p>page</p>\n',
    notes: 'no extension, plain text\n',
  }
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(staticDir, name)), {recursive: true})
    fs.writeFileSync(path.join(staticDir, name), text)
  }
  const listingDir = path.join(dir, 'listing')
  for (const name of ['b.txt', 'a file.txt', '<x>&y.txt', 'dir/inner.txt']) {
    fs.mkdirSync(path.dirname(path.join(listingDir, name)), {recursive: true})
    fs.writeFileSync(path.join(listingDir, name), name + '\n')
  }
  return {dir, node, script: (name) => `${node} ${path.join(dir, name)}`, staticDir, listingDir}
}

// ---- the matrix ------------------------------------------------------------------------------------

const get = (p: string, headers?: Array<[string, string]>): ParityRequest => ({method: 'GET', path: p, headers})
const withBody = (method: string, p: string, body: Body, headers?: Array<[string, string]>): ParityRequest => ({method, path: p, body, headers})
const upstreamEnv = (c: GroupEnvContext, extra: Record<string, string> = {}) => ({
  mode: 'http',
  fprocess: c.fx.script('upstream.cjs'),
  upstream_url: `http://127.0.0.1:${c.upstreamPort}`,
  http_port: String(c.upstreamPort),
  ...extra,
})

export const GROUPS: ParityGroup[] = [
  {
    name: 'http',
    flavour: 'of-watchdog',
    env: (c) => upstreamEnv(c, {exec_timeout: '2s', write_timeout: '10s'}),
    warmup: '/text',
    cases: [
      {name: 'GET with Content-Type', req: get('/text')},
      {name: 'no Content-Type: text sniffed', req: get('/noct')},
      {name: 'no Content-Type: html sniffed', req: get('/noct-html')},
      {name: 'no Content-Type: json sniffed as text', req: get('/noct-json')},
      {name: 'no Content-Type: empty body', req: get('/noct-empty')},
      {name: 'no Content-Type: binary sniffed', req: get('/noct-binary')},
      {name: 'status 201 passed through', req: get('/status/201')},
      {name: 'status 404 passed through', req: get('/status/404')},
      {name: 'status 500 passed through', req: get('/status/500')},
      {name: '302 not followed', req: get('/redirect')},
      {name: 'multi-value headers', req: get('/multi')},
      {name: 'POST body and Content-Type reach the function', req: withBody('POST', '/echo', 'hello', [['Content-Type', 'text/plain']])},
      {name: 'PUT', req: withBody('PUT', '/echo', '{"a":1}', [['Content-Type', 'application/json']])},
      {name: 'DELETE', req: {method: 'DELETE', path: '/echo'}},
      {name: 'PATCH', req: withBody('PATCH', '/echo', 'p')},
      {name: 'OPTIONS', req: {method: 'OPTIONS', path: '/text'}},
      {name: 'HEAD', req: {method: 'HEAD', path: '/text'}},
      {name: 'POST echoed back with its Content-Type', req: withBody('POST', '/', 'round trip', [['Content-Type', 'application/x-custom']])},
      {name: 'query string kept raw', req: get('/echo?a=1&b=two%20words&a=3')},
      {name: 'X-Forwarded-* and custom headers reach the function', req: get('/echo', [['X-Forwarded-For', '10.0.0.1'], ['X-Forwarded-Host', 'example.com'], ['X-Forwarded-Proto', 'https'], ['X-Custom', 'v'], ['X-Call-Id', 'abc']])},
      {name: '1 MiB body reaches the function', req: withBody('POST', '/echo', MiB)},
      {name: '1 MiB body echoed back', req: withBody('POST', '/', MiB)},
      {name: 'chunked request body', req: {method: 'POST', path: '/echo', body: 'chunky', chunked: true}},
      {name: 'exec_timeout: 504', req: get('/sleep/4000')},
      {name: 'X-Timeout shortens the deadline', req: get('/sleep/1500', [['X-Timeout', '200ms']])},
      {name: 'X-Timeout cannot extend it', req: get('/sleep/50', [['X-Timeout', '10s']])},
      {name: 'event stream bypass', req: get('/sse', [['Accept', 'text/event-stream']])},
      {name: 'ndjson bypass', req: get('/text', [['Accept', 'application/x-ndjson']])},
      {name: '/_/health', req: get('/_/health')},
      {name: '/_/ready', req: get('/_/ready')},
      {name: 'POST /_/health: 405', req: withBody('POST', '/_/health', 'x')},
      {name: 'POST /_/ready: 405', req: withBody('POST', '/_/ready', 'x')},
      {name: '/_/health with a query', req: get('/_/health?probe=1')},
      {name: 'unclean path', req: get('/x/../text')},
      {name: 'double slash path', req: get('//text')},
      {name: 'HTTP/1.1 request without Host: 400', req: {...get('/text'), noHost: true}},
    ],
  },
  {
    name: 'http upstream never listens',
    flavour: 'of-watchdog',
    env: (c) => ({...upstreamEnv(c), fprocess: c.fx.script('idle.cjs'), exec_timeout: '2s'}),
    cases: [
      {name: 'GET: 500 at once', req: {method: 'GET', path: '/', timeoutMs: 5000}},
      {name: 'POST: 500 at once', req: {...withBody('POST', '/x', 'body'), timeoutMs: 5000}},
      {name: 'HEAD: 500', req: {method: 'HEAD', path: '/', timeoutMs: 5000}},
      {name: '/_/health', req: get('/_/health')},
      {name: '/_/ready', req: get('/_/ready')},
      {name: 'event stream: empty 200', req: {...get('/', [['Accept', 'text/event-stream']]), timeoutMs: 5000}},
    ],
  },
  {
    name: 'http upstream starting',
    flavour: 'of-watchdog',
    env: (c) => upstreamEnv(c, {start_delay_ms: '3000'}),
    cases: [
      {name: '/_/ready while the function starts', req: get('/_/ready')},
      {name: 'a call while the function starts', req: {...get('/text'), timeoutMs: 2500}},
      {name: '/_/health while the function starts', req: get('/_/health')},
    ],
  },
  {
    name: 'http ready_path',
    flavour: 'of-watchdog',
    env: (c) => upstreamEnv(c, {ready_path: '/ready'}),
    warmup: '/text',
    cases: [
      {name: 'ready_path: the function\'s answer', req: get('/_/ready')},
      {name: 'ready_path: calls unchanged', req: get('/text')},
    ],
  },
  {
    name: 'http ready_path failing',
    flavour: 'of-watchdog',
    env: (c) => upstreamEnv(c, {ready_path: '/status/503'}),
    warmup: '/text',
    cases: [{name: 'ready_path 503 with its body', req: get('/_/ready')}],
  },
  {
    name: 'http ready_path not listening',
    flavour: 'of-watchdog',
    env: (c) => ({...upstreamEnv(c, {ready_path: '/ready'}), fprocess: c.fx.script('idle.cjs')}),
    cases: [{name: 'ready_path while nothing listens', req: {...get('/_/ready'), timeoutMs: 5000}}],
  },
  {
    name: 'http max_inflight',
    flavour: 'of-watchdog',
    env: (c) => upstreamEnv(c, {max_inflight: '1'}),
    warmup: '/text',
    cases: [
      {name: 'over max_inflight: 429', req: get('/text'), background: get('/sleep/800')},
      {name: '/_/ready while full: 429', req: get('/_/ready'), background: get('/sleep/800')},
      {name: '/_/health while full', req: get('/_/health'), background: get('/sleep/800')},
      {name: 'after the slow call', req: get('/text')},
    ],
  },
  {
    name: 'http crash',
    flavour: 'of-watchdog',
    env: (c) => upstreamEnv(c),
    warmup: '/text',
    cases: [
      {name: 'the function dies mid-call: 500', req: get('/crash')},
      {name: 'the watchdog exits 1', exit: true},
    ],
  },
  {
    name: 'http function exits 0',
    flavour: 'of-watchdog',
    env: (c) => ({...upstreamEnv(c), fprocess: c.fx.script('exit0.cjs')}),
    cases: [
      {name: 'exit 0: the watchdog stays up', exit: true},
      {name: 'exit 0: calls get 500', req: {...get('/text'), timeoutMs: 5000}},
      {name: 'exit 0: /_/health', req: get('/_/health')},
    ],
  },
  {
    name: 'http missing binary',
    flavour: 'of-watchdog',
    env: (c) => ({...upstreamEnv(c), fprocess: 'no-such-binary-xyz'}),
    cases: [{name: 'missing binary: the watchdog exits 1', exit: true}],
  },

  // ---- streaming ----
  {
    name: 'streaming cat',
    flavour: 'of-watchdog',
    env: () => ({mode: 'streaming', fprocess: 'cat'}),
    cases: [
      {name: 'POST echoed, octet-stream', req: withBody('POST', '/', 'hello', [['Content-Type', 'text/plain']])},
      {name: 'PUT', req: withBody('PUT', '/', '{"a":1}')},
      {name: 'GET: empty 200', req: get('/')},
      {name: 'DELETE with a body', req: withBody('DELETE', '/', 'gone')},
      {name: 'HEAD', req: {method: 'HEAD', path: '/'}},
      {name: '1 MiB streamed through', req: withBody('POST', '/', MiB)},
      {name: 'chunked body', req: {method: 'POST', path: '/', body: 'chunky', chunked: true}},
      {name: '/_/health', req: get('/_/health')},
      {name: '/_/ready', req: get('/_/ready')},
    ],
  },
  {
    name: 'streaming environment',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'streaming', fprocess: c.fx.script('env.cjs')}),
    cases: [
      {name: 'Http_* from path, query and headers', req: get('/some/path?a=1&b=x%20y', [['X-Custom', 'v'], ['X-Forwarded-For', '10.0.0.1'], ['Host', 'example.com']])},
      {name: 'Http_Content_* from a POST', req: withBody('POST', '/p', '{"a":1}', [['Content-Type', 'application/json']])},
      {name: 'Http_Transfer_Encoding from a chunked POST', req: {method: 'POST', path: '/c', body: 'abc', chunked: true}},
    ],
  },
  {
    name: 'streaming non-zero exit',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'streaming', fprocess: c.fx.script('fail.cjs')}),
    cases: [{name: 'non-zero exit: 200 with the partial output', req: withBody('POST', '/', 'x')}],
  },
  {
    name: 'streaming missing binary',
    flavour: 'of-watchdog',
    env: () => ({mode: 'streaming', fprocess: 'no-such-binary-xyz'}),
    cases: [{name: 'missing binary: empty 200', req: withBody('POST', '/', 'x')}],
  },
  {
    name: 'streaming exec_timeout',
    flavour: 'of-watchdog',
    // 2 s: time for node to start and print on a loaded machine, well before the 3 s sleep ends
    env: (c) => ({mode: 'streaming', fprocess: c.fx.script('sleep.cjs'), exec_timeout: '2s'}),
    cases: [{name: 'exec_timeout: 200 with the output so far', req: get('/')}],
  },
  {
    name: 'streaming stderr',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'streaming', fprocess: c.fx.script('stderr.cjs')}),
    cases: [{name: 'stderr is logged, not answered', req: withBody('POST', '/', 'x')}],
  },
  {
    name: 'streaming content_type',
    flavour: 'of-watchdog',
    env: () => ({mode: 'streaming', fprocess: 'cat', content_type: 'text/plain'}),
    cases: [{name: 'content_type sets the answer\'s type', req: withBody('POST', '/', 'hi')}],
  },
  {
    name: 'streaming max_inflight',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'streaming', fprocess: c.fx.script('sleep.cjs'), max_inflight: '1', exec_timeout: '1s'}),
    cases: [
      {name: 'over max_inflight: 429', req: get('/'), background: get('/')},
      {name: '/_/ready while full: 429', req: get('/_/ready'), background: get('/')},
    ],
  },
  {
    name: 'streaming ready_path',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'streaming', fprocess: c.fx.script('env.cjs'), ready_path: '/ready'}),
    cases: [{name: 'ready_path runs the function', req: get('/_/ready', [['X-Probe', '1']])}],
  },
  {
    name: 'streaming write_timeout',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'streaming', fprocess: c.fx.script('sleep.cjs'), write_timeout: '1s', exec_timeout: '5s'}),
    cases: [
      {
        name: 'write_timeout passed',
        req: {...get('/'), timeoutMs: 8000},
        deliberate: {
          reason: 'ours sends streaming output as it is produced (Go holds the first 4 KiB), so at write_timeout the status and the output so far are out before the connection is cut; Go cuts it with nothing sent. Neither completes the answer.',
          ours: {body: 'cut: ECONNRESET'},
        },
      },
    ],
  },

  // ---- serializing ----
  {
    name: 'serializing cat',
    flavour: 'of-watchdog',
    env: () => ({mode: 'serializing', fprocess: 'cat'}),
    cases: [
      {name: 'POST echoed', req: withBody('POST', '/', 'hello', [['Content-Type', 'text/plain']])},
      {name: 'GET: empty 200', req: get('/')},
      {name: 'PUT', req: withBody('PUT', '/', 'put body')},
      {name: 'DELETE', req: {method: 'DELETE', path: '/'}},
      {name: 'HEAD', req: {method: 'HEAD', path: '/'}},
      {name: '1 MiB', req: withBody('POST', '/', MiB)},
      {name: 'chunked body', req: {method: 'POST', path: '/', body: 'chunky', chunked: true}},
    ],
  },
  {
    name: 'serializing non-zero exit',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'serializing', fprocess: c.fx.script('fail.cjs')}),
    cases: [{name: 'non-zero exit: 500 exit status', req: withBody('POST', '/', 'x')}],
  },
  {
    name: 'serializing missing binary',
    flavour: 'of-watchdog',
    env: () => ({mode: 'serializing', fprocess: 'no-such-binary-xyz'}),
    cases: [{name: 'missing binary: 500', req: withBody('POST', '/', 'x')}],
  },
  {
    name: 'serializing exec_timeout',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'serializing', fprocess: c.fx.script('sleep.cjs'), exec_timeout: '1s'}),
    cases: [{name: 'exec_timeout: 500 signal: killed', req: get('/')}],
  },
  {
    name: 'serializing empty output',
    flavour: 'of-watchdog',
    env: () => ({mode: 'serializing', fprocess: 'true'}),
    cases: [{name: 'empty output: empty 200', req: get('/')}],
  },
  {
    name: 'serializing stderr',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'serializing', fprocess: c.fx.script('stderr.cjs')}),
    cases: [{name: 'stderr is logged, not answered', req: withBody('POST', '/', 'x')}],
  },
  {
    name: 'serializing content_type',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'serializing', fprocess: c.fx.script('json.cjs'), content_type: 'application/json'}),
    cases: [{name: 'content_type sets the answer\'s type', req: get('/')}],
  },
  {
    name: 'serializing content_type failure',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'serializing', fprocess: c.fx.script('fail.cjs'), content_type: 'application/json'}),
    cases: [{name: 'a failure keeps content_type', req: get('/')}],
  },
  {
    name: 'serializing environment',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'serializing', fprocess: c.fx.script('env.cjs')}),
    cases: [{name: 'Http_* variables', req: withBody('PUT', '/a/b?x=1', 'data', [['X-Custom', 'v'], ['Content-Type', 'text/csv']])}],
  },
  {
    name: 'serializing max_inflight',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'serializing', fprocess: c.fx.script('sleep.cjs'), max_inflight: '1', exec_timeout: '1s'}),
    cases: [{name: 'over max_inflight: 429', req: get('/'), background: get('/')}],
  },

  // ---- static ----
  {
    name: 'static',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'static', static_path: c.fx.staticDir}),
    cases: [
      {name: 'GET / serves index.html', req: get('/')},
      {name: 'text file', req: get('/a.txt')},
      {name: 'json file', req: get('/data.json')},
      {name: 'css file', req: get('/style.css')},
      {name: 'no extension: type sniffed', req: get('/notes')},
      {name: 'POST serves the file', req: withBody('POST', '/a.txt', 'x')},
      {name: 'PUT serves the file', req: withBody('PUT', '/a.txt', 'x')},
      {name: 'DELETE serves the file', req: {method: 'DELETE', path: '/a.txt'}},
      {name: 'HEAD', req: {method: 'HEAD', path: '/a.txt'}},
      {name: 'missing file: 404', req: get('/missing.txt')},
      {name: 'folder without slash: redirect', req: get('/sub')},
      {name: 'folder listing', req: get('/sub/')},
      {name: '/index.html redirects to ./', req: get('/index.html')},
      {name: 'file with a trailing slash', req: get('/a.txt/')},
      {name: 'range request', req: get('/a.txt', [['Range', 'bytes=0-4']])},
      {name: 'range past the end: 416', req: get('/a.txt', [['Range', 'bytes=100-200']])},
      {name: 'If-Modified-Since in the future: 304', req: get('/a.txt', [['If-Modified-Since', 'Fri, 01 Jan 2100 00:00:00 GMT']])},
      {name: 'query string ignored', req: get('/a.txt?v=2')},
      {name: 'escaped name', req: get('/sub/%62.txt')},
      {name: 'dot-dot outside the root', req: get('/../../etc/passwd')},
      {name: '/_/health', req: get('/_/health')},
      {name: '/_/ready', req: get('/_/ready')},
    ],
  },
  {
    name: 'static listing',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'static', static_path: c.fx.listingDir}),
    cases: [
      {name: 'root listing with odd names', req: get('/')},
      {name: 'HEAD listing', req: {method: 'HEAD', path: '/'}},
      {name: 'POST listing', req: withBody('POST', '/dir/', 'x')},
    ],
  },
  {
    name: 'static ready_path',
    flavour: 'of-watchdog',
    env: (c) => ({mode: 'static', static_path: c.fx.staticDir, ready_path: '/a.txt'}),
    cases: [{name: 'ready_path serves the file', req: get('/_/ready')}],
  },

  // ---- classic ----
  {
    name: 'classic cat',
    flavour: 'classic',
    env: () => ({fprocess: 'cat'}),
    cases: [
      {name: 'request Content-Type reused', req: withBody('POST', '/', 'hello', [['Content-Type', 'text/plain']])},
      {name: 'no Content-Type: text sniffed', req: withBody('POST', '/', 'hello')},
      {name: 'no Content-Type: html sniffed', req: withBody('POST', '/', '<html><p>x</p></html>')},
      {name: 'no Content-Type: xml sniffed', req: withBody('POST', '/', '<?xml version="1.0"?><a/>')},
      {name: 'GET: empty output, no Content-Type', req: get('/')},
      {name: 'PUT', req: withBody('PUT', '/', 'put')},
      {name: 'DELETE', req: withBody('DELETE', '/', 'del')},
      {name: 'PATCH', req: withBody('PATCH', '/', 'patch')},
      {name: 'HEAD: 405', req: {method: 'HEAD', path: '/'}},
      {name: 'OPTIONS: 405', req: {method: 'OPTIONS', path: '/'}},
      {name: '1 MiB', req: withBody('POST', '/', MiB)},
      {name: 'chunked body', req: {method: 'POST', path: '/', body: 'chunky', chunked: true}},
      {name: '/_/health', req: get('/_/health')},
      {name: '/_/ready goes to the function', req: withBody('POST', '/_/ready', 'ready?')},
      {name: 'POST /_/health: 405', req: withBody('POST', '/_/health', 'x')},
    ],
  },
  {
    name: 'classic sniffing',
    flavour: 'classic',
    env: (c) => ({fprocess: c.fx.script('html.cjs')}),
    cases: [{name: 'html output sniffed', req: get('/')}],
  },
  {
    name: 'classic binary',
    flavour: 'classic',
    env: (c) => ({fprocess: c.fx.script('binary.cjs')}),
    cases: [{name: 'png output sniffed', req: get('/')}],
  },
  {
    name: 'classic non-zero exit',
    flavour: 'classic',
    env: (c) => ({fprocess: c.fx.script('fail.cjs')}),
    cases: [{name: 'non-zero exit: 500 with error and output', req: withBody('POST', '/', 'x')}],
  },
  {
    name: 'classic missing binary',
    flavour: 'classic',
    env: () => ({fprocess: 'no-such-binary-xyz'}),
    cases: [{name: 'missing binary: 500', req: withBody('POST', '/', 'x')}],
  },
  {
    name: 'classic exec_timeout',
    flavour: 'classic',
    env: (c) => ({fprocess: c.fx.script('sleep.cjs'), exec_timeout: '1s'}),
    cases: [{name: 'exec_timeout: 408', req: get('/')}],
  },
  {
    name: 'classic combined output',
    flavour: 'classic',
    env: (c) => ({fprocess: c.fx.script('stderr.cjs')}),
    cases: [{name: 'stderr combined into the answer', req: withBody('POST', '/', 'x')}],
  },
  {
    name: 'classic separate output',
    flavour: 'classic',
    env: (c) => ({fprocess: c.fx.script('stderr.cjs'), combine_output: 'false'}),
    cases: [{name: 'combine_output=false: stderr logged', req: withBody('POST', '/', 'x')}],
  },
  {
    name: 'classic marshal_request',
    flavour: 'classic',
    env: () => ({fprocess: 'cat', marshal_request: 'true'}),
    cases: [
      {name: 'marshal_request: header keys sorted', req: withBody('POST', '/', 'body', [['X-Zeta', '1'], ['Content-Type', 'text/plain'], ['X-Alpha', 'a'], ['x-alpha', 'b']])},
      {name: 'marshal_request: HTML-safe JSON', req: withBody('POST', '/', '', [['X-Html', '<a href="x">&amp;</a>']])},
    ],
  },
  {
    name: 'classic environment',
    flavour: 'classic',
    env: (c) => ({fprocess: c.fx.script('env.cjs')}),
    cases: [
      {name: 'Http_* with Host and lengths', req: withBody('POST', '/p/q?z=1', 'four', [['Host', 'example.com'], ['X-Custom', 'v']])},
      {name: 'Http_* for a GET', req: get('/g', [['Host', 'example.com']])},
    ],
  },
  {
    name: 'classic cgi_headers off',
    flavour: 'classic',
    env: (c) => ({fprocess: c.fx.script('env.cjs'), cgi_headers: 'false'}),
    cases: [{name: 'cgi_headers=false: no Http_*', req: get('/g', [['X-Custom', 'v']])}],
  },
  {
    name: 'classic content_type',
    flavour: 'classic',
    env: () => ({fprocess: 'cat', content_type: 'text/html'}),
    cases: [{name: 'content_type wins over the request\'s', req: withBody('POST', '/', 'x', [['Content-Type', 'text/plain']])}],
  },
  {
    name: 'classic max_inflight',
    flavour: 'classic',
    env: (c) => ({fprocess: c.fx.script('sleep.cjs'), max_inflight: '1', exec_timeout: '1s'}),
    cases: [{name: 'over max_inflight: 429', req: get('/'), background: get('/')}],
  },
  {
    name: 'classic no stdin read',
    flavour: 'classic',
    env: (c) => ({fprocess: c.fx.script('nostdin.cjs')}),
    cases: [{name: 'a function that ignores a large body', req: withBody('POST', '/', MiB)}],
  },
]

// ---- running -----------------------------------------------------------------------------------

const IGNORED_HEADERS = new Set(['date', 'content-length', 'transfer-encoding', 'connection', 'keep-alive'])
const PRESENCE_HEADERS = new Set(['x-duration-seconds', 'last-modified'])

function bodyBuffer(b: Body): Buffer {
  return typeof b === 'string' ? Buffer.from(b) : Buffer.from(b.repeat.repeat(b.times))
}

export function describeBody(body: Buffer): string {
  if (body.length > 2048) return `sha256:${createHash('sha256').update(body).digest('hex').slice(0, 16)} length ${body.length}`
  const text = body.toString('utf8')
  if (Buffer.from(text).equals(body) && !/[\u0000-\u0008\u000e-\u001f]/.test(text)) return text
  return 'base64:' + body.toString('base64')
}

export function send(baseUrl: string, r: ParityRequest): Promise<Observation> {
  const u = new URL(baseUrl)
  const headers: Array<[string, string]> = [...(r.headers ?? [])]
  if (!r.noHost && !headers.some(([k]) => k.toLowerCase() === 'host')) headers.unshift(['Host', u.host])
  const body = r.body === undefined ? undefined : bodyBuffer(r.body)
  if (body && !r.chunked) headers.push(['Content-Length', String(body.length)])
  return new Promise((resolve) => {
    const flat: string[] = []
    for (const [k, v] of headers) flat.push(k, v)
    const req = http.request({host: u.hostname, port: u.port, method: r.method ?? 'GET', path: r.path, headers: flat, agent: false})
    const timer = setTimeout(() => req.destroy(new Error('client timeout')), r.timeoutMs ?? 15_000)
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        clearTimeout(timer)
        const out: Record<string, string> = {}
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i].toLowerCase()
          if (IGNORED_HEADERS.has(name)) continue
          const value = PRESENCE_HEADERS.has(name) ? 'present' : res.rawHeaders[i + 1]
          out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`
        }
        const sorted: Record<string, string> = {}
        for (const k of Object.keys(out).sort()) sorted[k] = out[k]
        resolve({status: res.statusCode!, headers: sorted, body: describeBody(Buffer.concat(chunks))})
      })
      res.on('error', (e) => {
        clearTimeout(timer)
        resolve({status: 'no answer', headers: {}, body: `cut: ${(e as NodeJS.ErrnoException).code ?? e.message}`})
      })
    })
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      const status = e.code === 'ECONNREFUSED' ? 'refused' : e.message === 'client timeout' ? 'client timeout' : 'no answer'
      resolve({status, headers: {}, body: ''})
    })
    if (body && r.chunked) {
      req.write(body.subarray(0, 2))
      req.end(body.subarray(2))
    } else req.end(body)
  })
}

async function warmup(url: string, p: string): Promise<void> {
  const start = Date.now()
  let last: Observation | undefined
  while (Date.now() - start < 15_000) {
    last = await send(url, {method: 'GET', path: p, timeoutMs: 2000})
    if (last.status === 200) return
    await new Promise((res) => setTimeout(res, 50))
  }
  throw new Error(`no 200 from ${url}${p} within 15 s (last: ${JSON.stringify(last)})`)
}

/** Runs one group on one target: every case in order. */
export async function runGroup(group: ParityGroup, start: StartTarget, env: Record<string, string>): Promise<Record<string, Observation>> {
  const target = await start(group, env)
  const out: Record<string, Observation> = {}
  try {
    if (group.warmup) await warmup(target.url, group.warmup)
    for (const c of group.cases) {
      if (c.exit) {
        const code = await Promise.race([target.exited, new Promise<string>((r) => setTimeout(() => r('running'), 3000))])
        out[c.name] = {status: typeof code === 'number' ? `exit ${code}` : code, headers: {}, body: ''}
        continue
      }
      let bg: Promise<Observation> | undefined
      if (c.background) {
        bg = send(target.url, c.background)
        await new Promise((r) => setTimeout(r, 300))
      }
      out[c.name] = await send(target.url, c.req!)
      if (bg) await bg
    }
  } finally {
    await target.stop()
  }
  return out
}

export function sameObservation(a: Observation, b: Observation): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

export function caseCount(): number {
  return GROUPS.reduce((n, g) => n + g.cases.length, 0)
}
