/**
 * Each shipped template end to end with the CLI, offline: `faas new` -> `faas build
 * --shrinkwrap` -> the sample handler's own test passes in the build context, with the
 * language's toolchain and standard library only (and the host build steps succeed).
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {cleanEnv, runCli, tempDir} from '../helpers/cli.js'
import {parseTemplateSpec} from '../../src/templates/spec.js'
import {hasProgram} from './runtime-helpers.js'

interface Case {
  lang: string
  needs: string
  /** Where the sample test runs, relative to build/<fn>/, and how. */
  testDir: string
  test: string[]
}

const CASES: Case[] = [
  {lang: 'node20', needs: 'node', testDir: 'function', test: ['node', '--test']},
  {lang: 'python3-http', needs: 'python3', testDir: 'function', test: ['python3', '-m', 'unittest', '-v']},
  {lang: 'golang-http', needs: 'go', testDir: 'function', test: ['go', 'test', './...']},
  {lang: 'bash', needs: 'bash', testDir: 'function', test: ['bash', 'test.sh']},
  {lang: 'dockerfile', needs: 'sh', testDir: '.', test: ['sh', 'test.sh']},
]

function run(cmd: string[], cwd: string, env: NodeJS.ProcessEnv): {status: number | null; output: string} {
  const r = spawnSync(cmd[0], cmd.slice(1), {cwd, env, encoding: 'utf8', timeout: 180_000})
  return {status: r.status, output: `${r.stdout}${r.stderr}`}
}

describe('shipped templates: new -> build --shrinkwrap -> sample test', () => {
  for (const c of CASES) {
    it(`${c.lang}`, {skip: !hasProgram(c.needs) && `${c.needs} is not installed`, timeout: 240_000}, async () => {
      const cwd = tempDir('faas-shipped-')
      // no network: proxies point at a closed port, no store URL
      const env = cleanEnv({HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', CI: 'true'})
      const fn = `fn-${c.lang.replace(/[^a-z0-9]/g, '')}`

      const created = await runCli(['new', fn, '--lang', c.lang], {cwd, env})
      assert.equal(created.code, 0, created.stderr)
      assert.match(created.stdout, /Stack file written: stack.yaml/)
      assert.match(created.stdout, /\nNotes:\n/)

      const built = await runCli(['build', '--shrinkwrap'], {cwd, env})
      assert.equal(built.code, 0, `${built.stdout}\n${built.stderr}`)
      const context = path.join(cwd, 'build', fn)
      assert.ok(existsSync(path.join(context, c.lang === 'dockerfile' ? 'Dockerfile' : 'template.yml')), `build/${fn} was written`)

      // the language toolchains keep their caches under the real HOME
      const toolEnv = {...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off'}
      const test = run(c.test, path.join(context, c.testDir), toolEnv)
      assert.equal(test.status, 0, `${c.test.join(' ')} failed:\n${test.output}`)

      if (c.lang !== 'dockerfile') {
        const spec = await parseTemplateSpec(readFileSync(path.join(context, 'template.yml'), 'utf8'))
        for (const step of spec.host?.build ?? []) {
          const r = run(['sh', '-c', step], context, toolEnv)
          assert.equal(r.status, 0, `host build step failed: ${step}\n${r.output}`)
        }
      }
    })
  }
})
