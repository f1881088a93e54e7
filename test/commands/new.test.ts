import assert from 'node:assert/strict'
import {existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {cleanEnv, runCli, tempDir} from '../helpers/cli.js'
import {serveFiles} from '../templates/helpers.js'

// no network: proxies that go nowhere (loopback test servers are exempt)
const offline = (extra: NodeJS.ProcessEnv = {}) => cleanEnv({HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1', ...extra})

function listTree(dir: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name
      if (statSync(path.join(dir, r)).isDirectory()) walk(r)
      else out.push(r)
    }
  }
  walk('')
  return out
}

describe('faas new', () => {
  it('creates a node20 function offline: handler folder 0700, stack.yaml, .gitignore, ./template/node20', async () => {
    const cwd = tempDir()
    const r = await runCli(['new', 'hello', '--lang', 'node20'], {cwd, env: offline()})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(readFileSync(path.join(cwd, 'stack.yaml'), 'utf8'), 'version: 1.0\nprovider:\n  name: openfaas\n  gateway: http://127.0.0.1:8080\nfunctions:\n  hello:\n    lang: node20\n    handler: ./hello\n    image: hello:latest\n\n')
    assert.equal(readFileSync(path.join(cwd, '.gitignore'), 'utf8'), 'template\nbuild\n.secrets\n')
    assert.equal(statSync(path.join(cwd, 'hello')).mode & 0o777, 0o700)
    assert.deepEqual(listTree(path.join(cwd, 'hello')), ['handler.js', 'handler.test.js', 'package.json'])
    assert.equal(readFileSync(path.join(cwd, 'hello', 'handler.js'), 'utf8'), readFileSync(path.join(cwd, 'template', 'node20', 'function', 'handler.js'), 'utf8'))
    assert.ok(existsSync(path.join(cwd, 'template', 'node20', 'meta.json')))
    assert.equal(r.stdout.split('\n\nNotes:\n')[0], 'Folder: hello created.\n\nFunction created in folder: hello\nStack file written: stack.yaml')
    assert.match(r.stdout, /\nNotes:\nYou created a Node.js 20 function/)
    assert.deepEqual(readdirSync(cwd).sort(), ['.gitignore', 'hello', 'stack.yaml', 'template'], 'no staging leftovers')
  })

  it('the oclif command and the fast path give the same result', async () => {
    // `--quiet=true` is not a fast-path form: it goes through oclif
    const a = tempDir()
    const b = tempDir()
    const fast = await runCli(['new', 'same', '--lang', 'bash', '-q', '-p', 'acme', '--cpu-limit', '200m'], {cwd: a, env: offline()})
    const full = await runCli(['new', 'same', '--lang=bash', '--quiet=true', '--prefix=acme', '--cpu-limit=200m'], {cwd: b, env: offline()})
    assert.equal(fast.code, 0, fast.stderr)
    assert.equal(full.code, 0, full.stderr)
    assert.equal(fast.stdout, full.stdout)
    assert.equal(readFileSync(path.join(a, 'stack.yaml'), 'utf8'), readFileSync(path.join(b, 'stack.yaml'), 'utf8'))
    assert.match(readFileSync(path.join(a, 'stack.yaml'), 'utf8'), /image: acme\/same:latest\n    limits:\n      cpu: 200m\n/)
    assert.deepEqual(listTree(path.join(a, 'same')), listTree(path.join(b, 'same')))
  })

  it('writes the gateway from -g, else OPENFAAS_URL, lower-cased, and the prefix from OPENFAAS_PREFIX', async () => {
    const cwd = tempDir()
    const r = await runCli(['new', 'gw', '--lang', 'dockerfile', '-q'], {cwd, env: offline({OPENFAAS_URL: 'HTTP://GW.example.com:8080/', OPENFAAS_PREFIX: 'ghcr.io/acme'})})
    assert.equal(r.code, 0, r.stderr)
    const yaml = readFileSync(path.join(cwd, 'stack.yaml'), 'utf8')
    assert.match(yaml, /\n  gateway: http:\/\/gw.example.com:8080\n/)
    assert.match(yaml, /\n    image: ghcr.io\/acme\/gw:latest\n/)
    const cwd2 = tempDir()
    await runCli(['new', 'gw', '--lang', 'dockerfile', '-g', 'https://flag.example.com', '--prefix', 'me'], {cwd: cwd2, env: offline({OPENFAAS_URL: 'http://env.example.com'})})
    const yaml2 = readFileSync(path.join(cwd2, 'stack.yaml'), 'utf8')
    assert.match(yaml2, /gateway: https:\/\/flag.example.com\n/)
    assert.match(yaml2, /image: me\/gw:latest\n/)
  })

  it('--append adds only the function block to an existing stack file', async () => {
    const cwd = tempDir()
    const existing = 'version: 1.0\nprovider:\n  name: openfaas\n  gateway: http://127.0.0.1:8080\nfunctions:\n  first:\n    lang: node20\n    handler: ./first\n    image: first:latest\n'
    writeFileSync(path.join(cwd, 'stack.yml'), existing)
    const r = await runCli(['new', 'second', '--lang', 'python3-http', '--append', 'stack.yml', '--memory-limit', '128Mi'], {cwd, env: offline()})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /Stack file updated: stack.yml\n/)
    assert.equal(readFileSync(path.join(cwd, 'stack.yml'), 'utf8'), existing + '  second:\n    lang: python3-http\n    handler: ./second\n    image: second:latest\n    limits:\n      memory: 128Mi\n\n')
  })

  it('--append inserts under functions: when another key comes last (faas-cli would break the file)', async () => {
    const cwd = tempDir()
    writeFileSync(path.join(cwd, 'stack.yaml'), 'version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n  first:\n    lang: node20\n    handler: ./first\n    image: first:latest\nconfiguration:\n  copy:\n    - ./common\n')
    const r = await runCli(['new', 'second', '--lang', 'bash', '-a', 'stack.yaml', '-q'], {cwd, env: offline()})
    assert.equal(r.code, 0, r.stderr)
    const {parse} = await import('yaml')
    const doc = parse(readFileSync(path.join(cwd, 'stack.yaml'), 'utf8'))
    assert.deepEqual(doc.functions.second, {lang: 'bash', handler: './second', image: 'second:latest'})
    assert.deepEqual(doc.configuration, {copy: ['./common']})
  })

  const failures: Array<[string, string[], RegExp, (cwd: string) => void]> = [
    ['a bad name', ['new', 'Bad_Name', '--lang', 'node20'], /^Error: Function name can only contain a-z, 0-9 and dashes$/m, () => {}],
    ['no --lang', ['new', 'lonely'], /^Error: You must supply a function language with the --lang flag$/m, () => {}],
    ['no name', ['new', '--lang', 'node20'], /^Error: Please provide a name for the function$/m, () => {}],
    ['an unknown language (shipped store)', ['new', 'fn1', '--lang', 'cobol'], /^Error: Template: "cobol" was not found in the templates folder or in the store$/m, () => {}],
    ['a language that climbs out of ./template', ['new', 'fn1', '--lang', '../x'], /invalid language/, () => {}],
    ['an existing folder', ['new', 'taken', '--lang', 'node20'], /^Error: Folder: taken already exists$/m, (cwd) => mkdirSync(path.join(cwd, 'taken'))],
    ['an existing stack.yaml', ['new', 'fn1', '--lang', 'node20'], /^Error: File: stack.yaml already exists\. Try "faas-cli new --append stack.yaml" instead$/m, (cwd) => writeFileSync(path.join(cwd, 'stack.yaml'), 'x: 1\n')],
    ['an -f file that exists', ['new', 'fn1', '--lang', 'node20', '-f', 'mine.yml'], /File: mine.yml already exists/, (cwd) => writeFileSync(path.join(cwd, 'mine.yml'), 'x: 1\n')],
    ['--append to a non-YAML name', ['new', 'fn1', '--lang', 'node20', '--append', 'stack.txt'], /When appending to a stack the suffix should be .yml or .yaml/, () => {}],
    ['--append to a missing file', ['new', 'fn1', '--lang', 'node20', '--append', 'nope.yml'], /Unable to find file: nope.yml/, () => {}],
    ['--append a duplicate name', ['new', 'first', '--lang', 'node20', '--append', 'stack.yml'], /Function first already exists in stack.yml file/, (cwd) => writeFileSync(path.join(cwd, 'stack.yml'), 'provider:\n  name: openfaas\nfunctions:\n  first:\n    lang: node20\n')],
  ]
  for (const [what, args, message, setup] of failures) {
    it(`fails for ${what}, exit 1, nothing written`, async () => {
      const cwd = tempDir()
      setup(cwd)
      const before = listTree(cwd)
      const r = await runCli(args, {cwd, env: offline()})
      assert.equal(r.code, 1)
      assert.match(r.stderr, message)
      assert.deepEqual(listTree(cwd), before)
    })
  }

  it('asks the store index given by OPENFAAS_TEMPLATE_STORE_URL for an unknown language', async () => {
    const server = await serveFiles({'/templates.json': {body: '[]'}})
    try {
      const cwd = tempDir()
      const r = await runCli(['new', 'fn1', '--lang', 'cobol'], {cwd, env: cleanEnv({OPENFAAS_TEMPLATE_STORE_URL: `${server.url}/templates.json`})})
      assert.equal(r.code, 1)
      assert.match(r.stderr, /Template: "cobol" was not found in the templates folder or in the store/)
      assert.deepEqual(server.requests, ['GET /templates.json'])
      assert.deepEqual(readdirSync(cwd), [])
    } finally {
      await server.close()
    }
  })

  it('with neither name nor --lang and no terminal, prints the help and exits 0 without prompting', async () => {
    const r = await runCli(['new'], {cwd: tempDir(), env: offline()})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /USAGE/)
    assert.match(r.stdout, /--lang/)
  })

  it('--list shows the languages of ./template and the shipped ones', async () => {
    const cwd = tempDir()
    mkdirSync(path.join(cwd, 'template', 'my-own'), {recursive: true})
    const r = await runCli(['new', '--list'], {cwd, env: offline()})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'Languages available as templates:\n- bash\n- dockerfile\n- golang-http\n- my-own\n- node20\n- python3-http\n')
  })

  it('normalises --lang Dockerfile and uses the handler folder given with --handler', async () => {
    const cwd = tempDir()
    const r = await runCli(['new', 'img', '--lang', 'Dockerfile', '--handler', 'src/img', '-q'], {cwd, env: offline()})
    assert.equal(r.code, 0, r.stderr)
    assert.match(readFileSync(path.join(cwd, 'stack.yaml'), 'utf8'), /lang: dockerfile\n    handler: \.\/src\/img\n/)
    assert.deepEqual(listTree(path.join(cwd, 'src', 'img')), ['Dockerfile', 'test.sh'])
    assert.equal(statSync(path.join(cwd, 'src', 'img', 'test.sh')).mode & 0o111, 0o111, 'modes are kept')
  })
})
