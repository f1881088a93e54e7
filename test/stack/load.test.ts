import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'
import {after, before, describe, it} from 'node:test'
import {pathToFileURL} from 'node:url'

import {isFaasError} from '../../src/errors.js'
import {findDefaultStackFile, loadStack} from '../../src/stack/load.js'

const STACK = `version: 1.0
provider:
  name: openfaas
  gateway: \${GW:-http://127.0.0.1:8080}
functions:
  api-users:
    image: \${REGISTRY:-acme}/api-users:latest
  api-orders:
    image: acme/api-orders:latest
  worker:
    image: acme/worker:latest
`

function tmp(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faas-stack-load-'))
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), {recursive: true})
    writeFileSync(path.join(dir, name), content)
  }
  return dir
}

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<Error> {
  let caught: unknown
  await assert.rejects(promise, (err: unknown) => {
    caught = err
    return true
  })
  assert.ok(isFaasError(caught), `expected FaasError, got ${String(caught)}`)
  assert.match((caught as Error).message, pattern)
  assert.ok(!(caught as Error).message.includes('\n'), 'one-line message')
  return caught as Error
}

describe('findDefaultStackFile (spec §1.0)', () => {
  it('prefers stack.yaml over stack.yml, and finds nothing in an empty folder', () => {
    assert.equal(findDefaultStackFile(tmp({'stack.yaml': STACK, 'stack.yml': STACK})), 'stack.yaml')
    assert.equal(findDefaultStackFile(tmp({'stack.yml': STACK})), 'stack.yml')
    assert.equal(findDefaultStackFile(tmp({'other.yml': STACK})), undefined)
  })
})

describe('loadStack from files', () => {
  it('loads the default file when -f is not given, with env substitution', async () => {
    const dir = tmp({'stack.yaml': STACK, 'stack.yml': 'not: used\n'})
    const stack = await loadStack({cwd: dir, env: {REGISTRY: 'ghcr.io/me'}})
    assert.ok(stack)
    assert.equal(stack.source, 'stack.yaml')
    assert.equal(stack.provider.gateway, 'http://127.0.0.1:8080')
    assert.equal(stack.functions[0].image, 'ghcr.io/me/api-users:latest')
  })
  it('returns undefined when there is no file and none is required', async () => {
    assert.equal(await loadStack({cwd: tmp()}), undefined)
  })
  it('throws the caller\'s message when a stack is required and missing', async () => {
    await rejectsWith(loadStack({cwd: tmp(), required: true, missingMessage: 'To deploy a function give --yaml/-f or a --image and --name flag'}), /^To deploy a function give --yaml\/-f or a --image and --name flag$/)
    await rejectsWith(loadStack({cwd: tmp(), required: true}), /No stack file given/)
  })
  it('loads -f relative to the cwd and applies --filter / --regex', async () => {
    const dir = tmp({'sub/my-stack.yml': STACK})
    const filtered = await loadStack({cwd: dir, file: 'sub/my-stack.yml', filter: 'api-*', env: {}})
    assert.deepEqual(
      filtered?.functions.map((f) => f.name),
      ['api-users', 'api-orders'],
    )
    const byRegex = await loadStack({cwd: dir, file: 'sub/my-stack.yml', regex: '(users|worker)$', env: {}})
    assert.deepEqual(
      byRegex?.functions.map((f) => f.name),
      ['api-users', 'worker'],
    )
    assert.equal(filtered?.source, 'sub/my-stack.yml')
  })
  it('a missing -f file: "Open nope.yml: no such file or directory"', async () => {
    await rejectsWith(loadStack({cwd: tmp(), file: 'nope.yml'}), /^Open nope\.yml: no such file or directory$/)
  })
  it('a directory given as -f is a clear error', async () => {
    const dir = tmp({'d/x': ''})
    await rejectsWith(loadStack({cwd: dir, file: 'd'}), /^Open d: is a directory$/)
  })
  it('--envsubst=false leaves the text untouched', async () => {
    const dir = tmp({'stack.yml': STACK})
    const stack = await loadStack({cwd: dir, envsubst: false, env: {REGISTRY: 'ghcr.io/me'}})
    assert.equal(stack?.functions[0].image, '${REGISTRY:-acme}/api-users:latest')
  })
  it('--envsubst=false also skips substitution errors', async () => {
    const dir = tmp({'stack.yml': 'provider:\n  name: openfaas\nfunctions:\n  a:\n    image: "${UNCLOSED"\n'})
    const stack = await loadStack({cwd: dir, envsubst: false})
    assert.equal(stack?.functions[0].image, '${UNCLOSED')
    await rejectsWith(loadStack({cwd: dir, env: {}}), /^stack\.yml:5:13: Missing closing brace in \$\{UNCLOSED"$/)
  })
  it('reads the process environment by default', async () => {
    const dir = tmp({'stack.yml': STACK})
    process.env.FAAS_STACK_TEST_REGISTRY = 'from-process'
    try {
      const stack = await loadStack({cwd: dir, file: 'stack.yml', env: undefined})
      assert.equal(stack?.functions[0].image, 'acme/api-users:latest')
      const dir2 = tmp({'stack.yml': STACK.replace('${REGISTRY:-acme}', '${FAAS_STACK_TEST_REGISTRY}')})
      const stack2 = await loadStack({cwd: dir2})
      assert.equal(stack2?.functions[0].image, 'from-process/api-users:latest')
    } finally {
      delete process.env.FAAS_STACK_TEST_REGISTRY
    }
  })
  it('strips a UTF-8 byte order mark', async () => {
    const dir = tmp({'stack.yml': '\ufeff' + STACK})
    assert.equal((await loadStack({cwd: dir, env: {}}))?.functions.length, 3)
  })
  it('accepts a file: URL', async () => {
    const dir = tmp({'stack.yml': STACK})
    const stack = await loadStack({cwd: tmp(), file: pathToFileURL(path.join(dir, 'stack.yml')).href, env: {}})
    assert.equal(stack?.functions.length, 3)
  })
  it('rejects other URL schemes clearly', async () => {
    await rejectsWith(loadStack({cwd: tmp(), file: 'ftp://example.com/stack.yml'}), /unsupported URL scheme "ftp"/)
  })
  it('parse errors name the -f path', async () => {
    const dir = tmp({'conf/stack.yml': 'provider:\n  name: openfaas\nfunctions:\n  a:\n    secrets: s1\n'})
    await rejectsWith(loadStack({cwd: dir, file: 'conf/stack.yml'}), /^conf\/stack\.yml:5:14: functions\.a\.secrets: expected a list of strings, got a string$/)
  })
})

describe('loadStack from stdin (-f -)', () => {
  it('reads the whole stack from the given stream, source "-"', async () => {
    const stdin = Readable.from([Buffer.from(STACK.slice(0, 40)), Buffer.from(STACK.slice(40))])
    const stack = await loadStack({cwd: tmp(), file: '-', stdin, env: {REGISTRY: 'r'}})
    assert.equal(stack?.source, '-')
    assert.equal(stack?.functions[0].image, 'r/api-users:latest')
  })
  it('errors from stdin name <stdin>', async () => {
    const stdin = Readable.from(['provider:\n  name: openfaas\nfunctions: [a]\n'])
    await rejectsWith(loadStack({cwd: tmp(), file: '-', stdin}), /^<stdin>:3:12: functions: expected a map/)
  })
})

describe('loadStack from http(s) URLs (loopback server)', () => {
  let server: http.Server
  let base = ''
  const seen: string[] = []
  before(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      if (req.url === '/stack.yml') {
        res.writeHead(200, {'content-type': 'text/yaml'})
        res.end(STACK)
      } else if (req.url === '/moved') {
        res.writeHead(302, {location: '/stack.yml'})
        res.end()
      } else {
        res.writeHead(404, {'content-type': 'text/html'})
        res.end('<html>not here</html>')
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  it('GETs the stack, substitutes and parses it; the URL is the source', async () => {
    const stack = await loadStack({cwd: tmp(), file: `${base}/stack.yml`, env: {REGISTRY: 'remote'}})
    assert.equal(stack?.source, `${base}/stack.yml`)
    assert.equal(stack?.functions[0].image, 'remote/api-users:latest')
    assert.ok(seen.includes('GET /stack.yml'))
  })
  it('follows redirects', async () => {
    const stack = await loadStack({cwd: tmp(), file: `${base}/moved`, env: {}})
    assert.equal(stack?.functions.length, 3)
  })
  it('a non-2xx answer is a clear error (faas-cli would try to parse the error page)', async () => {
    await rejectsWith(loadStack({cwd: tmp(), file: `${base}/missing.yml`}), new RegExp(`^Cannot fetch stack file ${base.replace(/\./g, '\\.')}/missing\\.yml: server returned 404 Not Found$`))
  })
  it('an unreachable server is a clear error', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    await rejectsWith(loadStack({cwd: tmp(), file: `http://127.0.0.1:${port}/stack.yml`}), /^Cannot fetch stack file http:\/\/127\.0\.0\.1:\d+\/stack\.yml: .*ECONNREFUSED/)
  })
})
