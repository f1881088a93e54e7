/**
 * Shared fixtures for the build pipeline tests: a project folder with templates and handlers,
 * the fake engine on PATH, and a stream that collects progress output.
 */
import {mkdirSync, mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync, chmodSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {Writable} from 'node:stream'

import {repoRoot} from '../helpers/cli.js'
import {FaasError} from '../../src/errors.js'
import type {TemplateLookup} from '../../src/build/templates.js'
import {readTemplateSpec} from '../../src/templates/spec.js'

export const fakeEngineDir = path.join(repoRoot, 'test', 'helpers', 'fake-engine')

const made: string[] = []
// tests leave no temp folders behind (they hold thousands of small files)
process.once('exit', () => {
  for (const dir of made) rmSync(dir, {recursive: true, force: true})
})

export function tmp(prefix = 'faas-build-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** Write files: {relative path: content | {content, mode}}. */
export function writeTree(root: string, files: Record<string, string | {content: string; mode: number}>): void {
  for (const [rel, v] of Object.entries(files)) {
    const p = path.join(root, rel)
    mkdirSync(path.dirname(p), {recursive: true})
    const content = typeof v === 'string' ? v : v.content
    writeFileSync(p, content)
    if (typeof v !== 'string') chmodSync(p, v.mode)
  }
}

/** A node-like template `node-test` and a `opts` template with build options and a custom handler folder. */
export function makeProject(): string {
  const cwd = tmp('faas-proj-')
  writeTree(cwd, {
    'template/node-test/template.yml': 'language: node-test\nfprocess: node index.js\n',
    'template/node-test/Dockerfile': 'FROM scratch\nCOPY . /home/app\n',
    'template/node-test/index.js': {content: 'console.log(1)\n', mode: 0o755},
    'template/node-test/function/handler.js': 'sample\n',
    'template/node-test/function/package.json': '{"sample":true}\n',
    'template/opts/template.yml': 'language: opts\nhandler_folder: handler\nbuild_options:\n  - name: dev\n    packages: [make, gcc]\n  - name: tools\n    packages: [curl, gcc]\n',
    'template/opts/Dockerfile': 'FROM scratch\n',
    'template/ssh/template.yml': 'language: ssh\nmount_ssh: true\n',
    'template/ssh/Dockerfile': 'FROM scratch\n',
    'hello/handler.js': 'module.exports = () => "hi"\n',
    'hello/package.json': '{"name":"hello"}\n',
    'hello/build/stale.txt': 'must not be copied\n',
    'hello/template/x.txt': 'must not be copied\n',
    'hello/lib/util.js': {content: 'exec\n', mode: 0o750},
    'web/Dockerfile': 'FROM scratch\n',
    'web/app.sh': {content: '#!/bin/sh\n', mode: 0o755},
    'common/shared.txt': 'shared\n',
  })
  return cwd
}

/** A stack for the makeProject() folder: `hello` (node-test template) and `web` (dockerfile). */
export const PROJECT_STACK = `version: 1.0
provider:
  name: openfaas
functions:
  hello:
    lang: node-test
    handler: ./hello
    image: ghcr.io/acme/hello
  web:
    lang: dockerfile
    handler: ./web
    image: acme/web:0.2.0
`

/** makeProject() with a stack.yaml (PROJECT_STACK unless given). */
export function makeStackProject(stack = PROJECT_STACK): string {
  const cwd = makeProject()
  writeTree(cwd, {'stack.yaml': stack})
  return cwd
}

/** Templates straight from `<cwd>/template/<lang>` (no pulling). */
export function folderTemplates(cwd: string, ensured: string[][] = []): TemplateLookup {
  return {
    async ensure(functions) {
      ensured.push(functions.map((f) => f.name))
    },
    async resolve(lang) {
      const dir = path.join(cwd, 'template', lang)
      if (!existsSync(dir)) throw new FaasError(`Language template: ${lang} not supported, build a custom Dockerfile`)
      return {dir, spec: await readTemplateSpec(dir)}
    },
  }
}

export interface EngineCall {
  engine: string
  argv: string[]
  cwd: string
  env: Record<string, string | null>
}

export function readEngineLog(file: string): EngineCall[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as EngineCall)
}

/** An environment with the fake engine first on PATH, logging to a fresh file, and a private cache. */
export function fakeEngineEnv(extra: NodeJS.ProcessEnv = {}): {env: NodeJS.ProcessEnv; log: string} {
  const dir = tmp('faas-engine-')
  const log = path.join(dir, 'calls.jsonl')
  const env: NodeJS.ProcessEnv = {
    PATH: `${fakeEngineDir}${path.delimiter}${process.env.PATH}`,
    HOME: dir,
    XDG_CACHE_HOME: path.join(dir, 'cache'),
    FAKE_ENGINE_LOG: log,
    ...extra,
  }
  return {env, log}
}

/** Run `fn` with process.env temporarily replaced (services spawn with the process environment). */
export async function withEnv<T>(env: NodeJS.ProcessEnv, fn: () => Promise<T>): Promise<T> {
  const saved = {...process.env}
  for (const k of Object.keys(process.env)) delete process.env[k]
  Object.assign(process.env, env)
  try {
    return await fn()
  } finally {
    for (const k of Object.keys(process.env)) delete process.env[k]
    Object.assign(process.env, saved)
  }
}

export class TextSink extends Writable {
  text = ''
  isTTY = false
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString()
    cb()
  }
}
