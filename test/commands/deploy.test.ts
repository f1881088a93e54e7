// `faas deploy` against the test gateway: wire requests, output, merge rules, --parallel, and
// the failures (each one line, exit 1).
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {fakeEngineEnv, makeStackProject, readEngineLog} from '../build/helpers.js'
import {runCli, tempDir} from '../helpers/cli.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

function project(files: Record<string, string>): string {
  const dir = tempDir('faas-deploy-')
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), {recursive: true})
    writeFileSync(path.join(dir, name), text)
  }
  return dir
}

function stackOf(names: string[], extra = ''): string {
  return `version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n${names.map((n) => `  ${n}:\n    lang: dockerfile\n    handler: ./${n}\n    image: ghcr.io/example/${n}${extra}\n`).join('')}`
}

describe('deploy', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({namespaces: ['openfaas-fn', 'staging', 'prod'], functions: [{name: 'existing', image: 'old:1'}]})
  })
  after(() => gw.close())

  it('PUTs, falls back to POST on 404, and prints faas-cli\'s lines', async () => {
    gw.clearRequests()
    const cwd = project({'stack.yaml': stackOf(['hello'])})
    const r = await runCli(['deploy', '-g', gw.url], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(gw.requests.map((q) => q.method), ['PUT', 'POST'])
    assert.deepEqual(gw.requests[1].json, {service: 'hello', image: 'ghcr.io/example/hello:latest', labels: {}, annotations: {}})
    assert.equal(r.stdout, `Deploying: hello.\n\nDeployed. 202 Accepted.\nURL: ${gw.url}/function/hello\n\n`)
    assert.equal(gw.getFunction('hello')?.image, 'ghcr.io/example/hello:latest')
  })

  it('does a rolling update (one PUT) for a function that exists', async () => {
    gw.clearRequests()
    const cwd = project({'stack.yaml': stackOf(['existing'], ':2')})
    const r = await runCli(['deploy', '-g', gw.url], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(gw.requests.map((q) => q.method), ['PUT'])
    assert.match(r.stdout, /Function existing already exists, attempting rolling-update\.\n\nDeployed\. 200 OK\./)
  })

  it('applies every merge rule of the stack and the flags', async () => {
    gw.clearRequests()
    const stack = `provider:\n  name: openfaas\nfunctions:\n  rich:\n    lang: node20\n    handler: ./rich\n    image: me/rich:0.1\n    namespace: staging\n    environment:\n      A: stack\n      B: stack\n    environment_file: [env.yml]\n    secrets: [s1]\n    labels: {team: stack, keep: yes}\n    annotations: {topic: stack}\n    constraints: ["node.os == linux"]\n    limits: {memory: 128Mi}\n    requests: {cpu: 100m}\n`
    const cwd = project({
      'stack.yaml': stack,
      'env.yml': 'environment:\n  B: file\n  C: file\n',
      'template/node20/template.yml': 'language: node20\nfprocess: node index.js\n',
    })
    const r = await runCli(['deploy', '-g', gw.url, '-e', 'C=flag', '--label', 'team=flag', '--annotation', 'extra=1', '--secret', 's0', '--secret', 's1', '--constraint', 'ignored', '--readonly', '-n', 'prod'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(gw.requests.at(-1)!.json, {
      service: 'rich', image: 'me/rich:0.1', namespace: 'prod', envProcess: 'node index.js',
      envVars: {A: 'stack', B: 'file', C: 'flag'}, constraints: ['node.os == linux'], secrets: ['s0', 's1'],
      labels: {team: 'flag', keep: 'yes'}, annotations: {topic: 'stack', extra: '1'},
      limits: {memory: '128Mi'}, requests: {cpu: '100m'}, readOnlyRootFilesystem: true,
    })
    assert.match(r.stdout, new RegExp(`URL: ${gw.url}/function/rich\\.prod`))
  })

  it('fails with faas-cli\'s text and what to do when the template is missing (--read-template)', async () => {
    gw.clearRequests()
    const cwd = project({'stack.yaml': `provider:\n  name: openfaas\nfunctions:\n  fn:\n    lang: python3\n    handler: ./fn\n    image: me/fn\n`})
    const r = await runCli(['deploy', '-g', gw.url], {cwd})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /template directory may be missing or invalid, please run "faas-cli template pull": stat \.\/template\/python3\/template\.yml: no such file or directory/)
    assert.match(r.stderr, /Hint: .*template/)
    assert.equal(gw.requests.length, 0)
    const skip = await runCli(['deploy', '-g', gw.url, '--read-template=false'], {cwd})
    assert.equal(skip.code, 0, skip.stderr)
    assert.equal((gw.requests.at(-1)!.json as {envProcess?: string}).envProcess, undefined)
  })

  it('deploys from flags alone, sending --image as given', async () => {
    gw.clearRequests()
    const r = await runCli(['deploy', '-g', gw.url, '--image', 'me/solo', '--name', 'solo', '--fprocess', 'cat', '--cpu-limit', '1', '--memory-request', '10Mi', '-e', 'A=1'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(gw.requests.at(-1)!.json, {service: 'solo', image: 'me/solo', envProcess: 'cat', envVars: {A: '1'}, labels: {}, annotations: {}, limits: {cpu: '1'}, requests: {memory: '10Mi'}})
    assert.doesNotMatch(r.stdout, /Deploying:/)
  })

  it('needs a stack or --image and --name', async () => {
    const r = await runCli(['deploy', '-g', gw.url])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /To deploy a function give --yaml\/-f or a --image and --name flag/)
  })

  it('--replace DELETEs then POSTs; --replace with an explicit --update is refused', async () => {
    gw.clearRequests()
    const r = await runCli(['deploy', '-g', gw.url, '--image', 'me/solo:2', '--name', 'solo', '--replace'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(gw.requests.map((q) => `${q.method} ${JSON.stringify(q.json && (q.json as {functionName?: string}).functionName)}`), ['DELETE "solo"', 'POST undefined'])
    const both = await runCli(['deploy', '-g', gw.url, '--image', 'x', '--name', 'y', '--replace', '--update'])
    assert.equal(both.code, 1)
    assert.match(both.stderr, /Cannot specify --update and --replace at the same time/)
  })

  it('counts 201 Created as success (faas-cli quirk §10: it failed on 201)', async () => {
    gw.fault({method: 'PUT', path: '/system/functions', status: 201, body: '', times: 1})
    const r = await runCli(['deploy', '-g', gw.url, '--image', 'me/x', '--name', 'created'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /Deployed\. 201 Created\./)
  })

  it('exits 1 with the status and body in one line when the gateway fails', async () => {
    gw.fault({method: 'POST', path: '/system/functions', status: 500, body: 'provider exploded', times: 1})
    const r = await runCli(['deploy', '-g', gw.url, '--image', 'me/x', '--name', 'boom'])
    assert.equal(r.code, 1)
    const lines = r.stderr.trim().split('\n')
    assert.match(lines[0], /^Error: Function 'boom' failed to deploy with status code: 500: Unexpected status: 500, message: provider exploded$/)
    assert.match(lines[1], /^Hint: /)
  })

  it('says to log in on 401, and names the refusal on 403', async () => {
    gw.fault({method: 'PUT', status: 401, times: 1})
    const r401 = await runCli(['deploy', '-g', gw.url, '--image', 'me/x', '--name', 'x'])
    assert.equal(r401.code, 1)
    assert.match(r401.stderr, /unauthorized access, run "faas-cli login"/)
    assert.match(r401.stderr, /Hint: .*faas login/)
    gw.fault({method: 'PUT', status: 403, body: 'namespace forbidden', times: 1})
    const r403 = await runCli(['deploy', '-g', gw.url, '--image', 'me/x', '--name', 'x'])
    assert.equal(r403.code, 1)
    assert.match(r403.stderr, /403/)
  })

  it('gives up after --timeout on a slow gateway, and never retries a POST', async () => {
    gw.clearRequests()
    gw.fault({method: 'PUT', delayMs: 1500, times: 1})
    const slow = await runCli(['deploy', '-g', gw.url, '--image', 'me/x', '--name', 'slow', '--timeout', '300ms'])
    assert.equal(slow.code, 1)
    assert.match(slow.stderr, /did not answer after 0\.3s/)
    assert.match(slow.stderr, /Hint: .*--timeout/)
    gw.clearRequests()
    gw.fault({method: 'POST', status: 503, times: 1})
    const r = await runCli(['deploy', '-g', gw.url, '--image', 'me/x', '--name', 'unavailable'])
    assert.equal(r.code, 1)
    assert.equal(gw.requests.filter((q) => q.method === 'POST').length, 1)
  })

  it('says what to do when the gateway is down', async () => {
    const r = await runCli(['deploy', '-g', 'http://127.0.0.1:9', '--image', 'me/x', '--name', 'x'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: gateway not reachable at http:\/\/127\.0\.0\.1:9 \(connection refused\)\n/)
    assert.match(r.stderr, /Hint: Start one on this machine with "faas gateway"/)
  })

  it('--parallel sends the same requests as a sequential run and keeps stack order in the output', async () => {
    const names = Array.from({length: 12}, (_, i) => `fn${String(i).padStart(2, '0')}`)
    const cwd = project({'stack.yaml': stackOf(names)})
    const slow = await startTestGateway({latencyMs: 30})
    try {
      const seq = await runCli(['deploy', '-g', slow.url, '--parallel', '1'], {cwd})
      assert.equal(seq.code, 0, seq.stderr)
      const seqRequests = slow.requests.map((q) => `${q.method} ${q.body.toString()}`)
      slow.functions.clear()
      slow.clearRequests()
      const par = await runCli(['deploy', '-g', slow.url, '--parallel', '6'], {cwd})
      assert.equal(par.code, 0, par.stderr)
      assert.deepEqual(slow.requests.map((q) => `${q.method} ${q.body.toString()}`).sort(), [...seqRequests].sort())
      // the output is the same bytes, function by function in stack order
      assert.equal(par.stdout.replaceAll(slow.url, 'GW'), seq.stdout.replaceAll(slow.url, 'GW'))
      assert.deepEqual([...par.stdout.matchAll(/Deploying: (\S+)\./g)].map((m) => m[1]), names)
      // and the requests really overlapped
      const firstPuts = slow.requests.slice(0, 6).filter((q) => q.method === 'PUT').length
      assert.ok(firstPuts >= 3, `expected concurrent PUTs first, got ${slow.requests.slice(0, 6).map((q) => q.method)}`)
    } finally {
      await slow.close()
    }
  })

  it('reports each failed function of a stack and exits 1', async () => {
    gw.fault({method: 'POST', path: '/system/functions', status: 500, body: 'nope', times: 1})
    const cwd = project({'stack.yaml': stackOf(['one', 'two', 'three'])})
    // sequentially, the first POST is the first function's
    const r = await runCli(['deploy', '-g', gw.url, '--parallel', '1'], {cwd})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^one: Unexpected status: 500, message: nope$/m)
    assert.match(r.stderr, /Error: 1 of 3 functions failed to deploy: one \(500\)/)
    assert.equal((r.stdout.match(/Deployed\. /g) ?? []).length, 2)
  })
})

describe('up and deploy check the gateway first', () => {
  const dead = 'http://127.0.0.1:1'
  const expected = (url: string) => new RegExp(`^Error: gateway not reachable at ${url.replaceAll('.', '\\.')}[^\\n]*\\nHint: [^\\n]*faas gateway[^\\n]*-g[^\\n]*OPENFAAS_URL`)

  it('deploy says "gateway not reachable at URL" before deploying anything', async () => {
    const cwd = project({'stack.yaml': stackOf(['hello'])})
    const r = await runCli(['deploy', '-g', dead], {cwd})
    assert.equal(r.code, 1)
    assert.equal(r.stdout, '', 'no "Deploying:" line')
    assert.match(r.stderr, expected(dead))
  })

  it('up says so before building: no container engine is called', async () => {
    const cwd = makeStackProject()
    const {env, log} = fakeEngineEnv()
    const r = await runCli(['up', '-g', dead], {cwd, env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, expected(dead))
    assert.deepEqual(readEngineLog(log), [], 'nothing was built')
    // the URL comes from OPENFAAS_URL too
    const viaEnv = await runCli(['up'], {cwd, env: {...env, OPENFAAS_URL: 'http://127.0.0.1:2'}})
    assert.match(viaEnv.stderr, expected('http://127.0.0.1:2'))
  })

  it('up --skip-deploy needs no gateway', async () => {
    const cwd = makeStackProject()
    const {env} = fakeEngineEnv()
    const r = await runCli(['up', '-g', dead, '--skip-deploy', '--skip-push'], {cwd, env})
    assert.equal(r.code, 0, r.stderr)
  })
})
