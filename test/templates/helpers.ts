/**
 * Test fixtures for templates: git repositories of templates made on the spot (git init in a
 * temp folder, used through file:// URLs or as local paths), a loopback HTTP server for
 * template store indexes, hand-made tar archives (for entries no well-behaved tool writes),
 * and a fake `git` that records its argv before running the real one.
 */
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {gzipSync} from 'node:zlib'

export function tmp(prefix = 'faas-tmpl-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix))
}

/** git with a fixed identity and no system/global config. */
export const GIT_ENV: NodeJS.ProcessEnv = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
}

export function git(args: string[], cwd: string): string {
  return execFileSync('git', args, {cwd, env: {...process.env, ...GIT_ENV}, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()
}

export type Files = Record<string, string>

/** A minimal template: template.yml, a Dockerfile and a sample handler. */
export function templateFiles(name: string, extra: Files = {}): Files {
  return {
    'template.yml': `language: ${name}\nfprocess: cat\nwelcome_message: |\n  Welcome to ${name}.\n`,
    Dockerfile: `FROM scratch\n# ${name}\n`,
    'function/handler.txt': `handler of ${name}\n`,
    ...extra,
  }
}

export function writeFiles(root: string, files: Files): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel)
    mkdirSync(path.dirname(file), {recursive: true})
    writeFileSync(file, content)
  }
}

export interface TemplateRepo {
  dir: string
  url: string
  /** Commit of the default branch (master) after creation. */
  sha: string
  commit(files: Files, message?: string): string
}

/** A git repository with template/<name>/… for each given template, committed on master. */
export function makeTemplateRepo(templates: Record<string, Files>, options: {files?: Files} = {}): TemplateRepo {
  const dir = tmp('faas-tmpl-repo-')
  for (const [name, files] of Object.entries(templates)) writeFiles(path.join(dir, 'template', name), files)
  if (options.files) writeFiles(dir, options.files)
  git(['init', '-q', '-b', 'master'], dir)
  git(['add', '-A'], dir)
  git(['commit', '-q', '-m', 'templates'], dir)
  const repo: TemplateRepo = {
    dir,
    url: `file://${dir}`,
    sha: git(['rev-parse', 'HEAD'], dir),
    commit(files: Files, message = 'change') {
      writeFiles(dir, files)
      git(['add', '-A'], dir)
      git(['commit', '-q', '-m', message], dir)
      return git(['rev-parse', 'HEAD'], dir)
    },
  }
  return repo
}

/** A loopback server answering `routes[path]` (status 200) and 404 otherwise; records paths. */
export async function serveFiles(routes: Record<string, {status?: number; body: string}>): Promise<{url: string; requests: string[]; close(): Promise<void>}> {
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    const route = routes[req.url ?? '']
    if (!route) {
      res.writeHead(404, {'content-type': 'text/plain'})
      res.end('not found')
      return
    }
    res.writeHead(route.status ?? 200, {'content-type': 'application/json'})
    res.end(route.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

export interface TarEntry {
  name: string
  /** '0' file, '2' symlink, '1' hard link, '5' directory, '3'/'4'/'6' devices and FIFO. */
  type?: '0' | '1' | '2' | '3' | '4' | '5' | '6'
  content?: string
  linkname?: string
  mode?: number
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0'
}

/** A ustar archive written byte by byte, so it can hold entries tar tools refuse to write. */
export function makeTar(entries: TarEntry[], gzip = true): Buffer {
  const blocks: Buffer[] = []
  for (const e of entries) {
    const type = e.type ?? '0'
    const body = Buffer.from(type === '0' ? e.content ?? '' : '')
    const header = Buffer.alloc(512, 0)
    header.write(e.name, 0, 100, 'utf8')
    header.write(octal(e.mode ?? (type === '5' ? 0o755 : 0o644), 8), 100, 'ascii')
    header.write(octal(0, 8), 108, 'ascii')
    header.write(octal(0, 8), 116, 'ascii')
    header.write(octal(body.length, 12), 124, 'ascii')
    header.write(octal(1_700_000_000, 12), 136, 'ascii')
    header.write('        ', 148, 'ascii')
    header.write(type, 156, 'ascii')
    if (e.linkname) header.write(e.linkname, 157, 100, 'utf8')
    header.write('ustar\0', 257, 'ascii')
    header.write('00', 263, 'ascii')
    let sum = 0
    for (const byte of header) sum += byte
    header.write(octal(sum, 7) + ' ', 148, 'ascii')
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512, 0))
  }
  blocks.push(Buffer.alloc(1024, 0))
  const tar = Buffer.concat(blocks)
  return gzip ? gzipSync(tar) : tar
}

/**
 * A bin folder with a `git` that appends its argv (one JSON array per line) to `log` and then
 * runs the real git: put it first on PATH.
 */
export function recordingGit(): {bin: string; log: string} {
  const bin = tmp('faas-fake-git-')
  const log = path.join(bin, 'git-calls.jsonl')
  const realGit = execFileSync('sh', ['-c', 'command -v git'], {encoding: 'utf8'}).trim()
  const script = `#!/usr/bin/env node
const {appendFileSync} = require('node:fs')
const {spawnSync} = require('node:child_process')
appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n')
const r = spawnSync(${JSON.stringify(realGit)}, process.argv.slice(2), {stdio: 'inherit'})
process.exit(r.status === null ? 1 : r.status)
`
  writeFileSync(path.join(bin, 'git'), script)
  chmodSync(path.join(bin, 'git'), 0o755)
  return {bin, log}
}
