/**
 * Every shipped template gives its handler a documented way to read a secret made with
 * `faas secret create` (a file in $OPENFAAS_SECRETS_PATH, /var/openfaas/secrets in a container),
 * and says how in its welcome message. Before, the handlers only had a comment naming the folder.
 */
import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'

import {shippedTemplatesDir} from '../../src/templates/paths.js'
import {readTemplateSpec} from '../../src/templates/spec.js'
import {tmp} from './helpers.js'
import {buildContext, hasProgram, startFunction} from './runtime-helpers.js'

let secrets: string
before(() => {
  secrets = path.join(tmp('faas-secrets-'), 'secrets')
  mkdirSync(secrets)
  // --from-file leaves a trailing newline: the helpers drop exactly one
  writeFileSync(path.join(secrets, 'api-key'), 's3cr3t value\n')
})
after(() => rmSync(path.dirname(secrets), {recursive: true, force: true}))

const MISSING = /secret nope not found in .*: create it with "faas secret create nope"/

async function readThrough(lang: string, handler: Record<string, string>): Promise<{ok: string; missing: string}> {
  const fn = await startFunction(lang, handler, {OPENFAAS_SECRETS_PATH: secrets})
  try {
    const ok = await (await fetch(`${fn.url}/?name=api-key`)).text()
    const missing = await (await fetch(`${fn.url}/?name=nope`)).text()
    return {ok, missing}
  } finally {
    await fn.stop()
  }
}

describe('reading secrets from a handler', () => {
  it('node20: context.secret(name)', async () => {
    const handler = `module.exports = async (event, context) => {
  try { return 'value=' + context.secret(event.query.name) } catch (err) { return 'error=' + err.message }
}
`
    const got = await readThrough('node20', {'handler.js': handler})
    assert.equal(got.ok, 'value=s3cr3t value')
    assert.match(got.missing, MISSING)
  })

  it('python3-http: context.secret(name)', {skip: !hasProgram('python3') && 'python3 is not installed'}, async () => {
    const handler = `def handle(event, context):
    try:
        return {"body": "value=" + context.secret(event.query["name"])}
    except LookupError as err:
        return {"body": "error=%s" % err}
`
    const got = await readThrough('python3-http', {'handler.py': handler})
    assert.equal(got.ok, 'value=s3cr3t value')
    assert.match(got.missing, MISSING)
  })

  it('golang-http: Secret(name) in the scaffolded secret.go', {skip: !hasProgram('go') && 'go is not installed', timeout: 180_000}, async () => {
    const handler = `package function

import (
	"fmt"
	"net/http"
)

func Handle(w http.ResponseWriter, r *http.Request) {
	value, err := Secret(r.URL.Query().Get("name"))
	if err != nil {
		fmt.Fprintf(w, "error=%v", err)
		return
	}
	fmt.Fprintf(w, "value=%s", value)
}
`
    const got = await readThrough('golang-http', {'handler.go': handler})
    assert.equal(got.ok, 'value=s3cr3t value')
    assert.match(got.missing, MISSING)
  })

  it('bash: the secret function in the sample handler.sh', {skip: !hasProgram('bash') && 'bash is not installed'}, () => {
    const dir = buildContext('bash')
    try {
      // the sample's own helper, taken out of handler.sh so the test follows any change to it
      const script = `eval "$(sed -n '/^secret() {/,/^}/p' function/handler.sh)"; secret "$1"`
      const ok = execFileSync('bash', ['-c', script, 'sh', 'api-key'], {cwd: dir, env: {...process.env, OPENFAAS_SECRETS_PATH: secrets}, encoding: 'utf8'})
      assert.equal(ok, 's3cr3t value\n')
      const missing = spawnSync('bash', ['-c', script, 'sh', 'nope'], {cwd: dir, env: {...process.env, OPENFAAS_SECRETS_PATH: secrets}, encoding: 'utf8'})
      assert.equal(missing.status, 1)
      assert.match(missing.stderr, MISSING)
    } finally {
      rmSync(path.dirname(dir), {recursive: true, force: true})
    }
  })

  it('every shipped template says how to read a secret in its welcome message', async () => {
    for (const lang of ['node20', 'python3-http', 'golang-http', 'bash', 'dockerfile']) {
      const spec = await readTemplateSpec(path.join(shippedTemplatesDir(), lang))
      assert.match(spec.welcome_message ?? '', /secret/i, `${lang}'s welcome message mentions secrets`)
    }
  })
})

describe('node20 runtime logs a failing handler', () => {
  it('writes the thrown error to the function log, so "faas logs" shows the stack', async () => {
    const fn = await startFunction('node20', {'handler.js': 'module.exports = async () => { throw new Error("kaboom in handler") }\n'})
    try {
      const res = await fetch(fn.url)
      assert.match(await res.text(), /kaboom in handler/)
      for (let i = 0; i < 50 && !/at .*handler\.js/.test(fn.output()); i++) await new Promise((r) => setTimeout(r, 20))
      assert.match(fn.output(), /Error: kaboom in handler\n\s+at .*handler\.js/)
    } finally {
      await fn.stop()
    }
  })
})
