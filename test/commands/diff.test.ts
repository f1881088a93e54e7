// `faas diff`: the stack (as deploy would send it) against what is deployed; exit 1 on differences.
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {runCli, tempDir} from '../helpers/cli.js'
import {type TestGateway, startTestGateway} from '../helpers/gateway.js'

const stack = `provider:
  name: openfaas
functions:
  same:
    image: me/same:1
    environment: {A: "1"}
  changed:
    image: me/changed:2
    fprocess: cat
    environment: {A: "1", B: "2"}
    secrets: [s1]
    labels: {team: x}
    limits: {memory: 128Mi}
  missing:
    image: me/missing
`

describe('diff', () => {
  let gw: TestGateway
  let cwd: string
  before(async () => {
    gw = await startTestGateway({
      functions: [
        {name: 'same', image: 'me/same:1', envVars: {A: '1'}, labels: {faas_function: 'same'}},
        {name: 'changed', image: 'me/changed:1', envProcess: 'cat', envVars: {A: '1', C: 'remote'}, labels: {team: 'y'}, limits: {memory: '64Mi'}},
      ],
    })
    cwd = tempDir()
    writeFileSync(path.join(cwd, 'stack.yaml'), stack)
  })
  after(() => gw.close())

  it('shows each differing function side by side and exits 1 with "Differences found"', async () => {
    const r = await runCli(['diff', '-g', gw.url], {cwd})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: Differences found\n/)
    assert.doesNotMatch(r.stdout, /^same$/m)
    const block = r.stdout.split('\n\n')[0].split('\n')
    assert.equal(block[0], 'changed')
    assert.match(block[1], /^ {2}stack\.yaml {31}\| deployed/)
    assert.match(block[2], /^ {2}-{41}\+-{41}$/)
    const rows = block.slice(3).map((l) => l.trim().split(/\s*\|\s*/).filter(Boolean))
    assert.deepEqual(rows, [
      ['- image: me/changed:2', '+ image: me/changed:1'],
      ['- env.B: 2'],
      ['- secret.s1: present'],
      ['- label.team: x', '+ label.team: y'],
      ['- limits.memory: 128Mi', '+ limits.memory: 64Mi'],
    ])
    assert.match(r.stdout, /^missing\n[\s\S]*- function: defined in stack\.yaml +\| \+ function: not deployed$/m)
  })

  it('--env all also reports what only the deployment has; -j prints the differences as JSON', async () => {
    const r = await runCli(['diff', '-g', gw.url, '--env', 'all', '-j', '--filter', 'changed'], {cwd})
    assert.equal(r.code, 1)
    const diffs = JSON.parse(r.stdout) as {key: string; differences: {field: string; stack?: string; deployed?: string}[]}[]
    assert.deepEqual(diffs.map((d) => d.key), ['changed'])
    assert.ok(diffs[0].differences.some((f) => f.field === 'env.C' && f.deployed === 'remote' && f.stack === undefined))
  })

  it('says so when the deployment matches, exit 0', async () => {
    const r = await runCli(['diff', '-g', gw.url, '--filter', 'same'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'YAML matches deployment, no differences found.\n')
  })

  it('needs a stack file', async () => {
    const r = await runCli(['diff', '-g', gw.url])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /stack/)
  })
})
