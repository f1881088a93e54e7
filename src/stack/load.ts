/**
 * Finding and reading the stack file (spec §1.0 default file, §2 loading), then the same path
 * every command takes: env substitution → parse + validate → --filter/--regex selection.
 * Cheap to import: the YAML parser is loaded only when a stack is actually parsed.
 */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {errorMessage, FaasError} from '../errors.js'
import {MAX_STACK_BYTES, formatBytes, isTooLarge, readLimited} from '../util/limits.js'
import {envsubst} from './envsubst.js'
import {oneLine} from './text.js'
import {selectFunctions} from './select.js'
import type {Stack} from './types.js'

export const DEFAULT_STACK_FILES = ['stack.yaml', 'stack.yml'] as const

/** Remote stack files: faas-cli's 120 s timeout. */
export const REMOTE_STACK_TIMEOUT_MS = 120_000

export interface LoadStackOptions {
  /** The -f/--yaml value: a path (relative to cwd), an http(s) URL, or `-` for stdin. */
  file?: string
  /** --envsubst (default true). */
  envsubst?: boolean
  filter?: string
  regex?: string
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Read when file is `-` (default process.stdin). */
  stdin?: NodeJS.ReadableStream
  /** Throw when there is no stack at all (no -f, no default file). */
  required?: boolean
  /** The error text for `required` (each command has its own faas-cli wording). */
  missingMessage?: string
  /** Hint shown under missingMessage. */
  missingHint?: string
}

/**
 * `stack.yaml`, else `stack.yml`, in `cwd` (the name relative to cwd), else undefined. Like
 * faas-cli, an existing default file is picked up even when it is not a regular file, so the
 * error later names it.
 */
export function findDefaultStackFile(cwd: string): string | undefined {
  return DEFAULT_STACK_FILES.find((name) => existsSync(path.join(cwd, name)))
}

/**
 * Load, substitute, parse, validate and select. Returns undefined when no file was given, no
 * default file exists and `required` is not set.
 */
export async function loadStack(opts: LoadStackOptions): Promise<Stack | undefined> {
  const cwd = opts.cwd ?? process.cwd()
  const file = opts.file !== undefined && opts.file !== '' ? opts.file : findDefaultStackFile(cwd)
  if (file === undefined) {
    if (opts.required) {
      throw new FaasError(opts.missingMessage ?? 'No stack file given and no stack.yaml or stack.yml found in the current directory', {
        hint: opts.missingHint ?? 'Pass --yaml/-f <file>, or run from the folder that holds stack.yaml',
      })
    }
    return undefined
  }

  let text = stripBom(await readStackText(file, cwd, opts.stdin))
  if (opts.envsubst !== false) text = envsubst(text, opts.env ?? process.env, file === '-' ? '<stdin>' : file)
  const {parseStack} = await import('./parse.js')
  const stack = parseStack(text, file)
  return selectFunctions(stack, opts.filter, opts.regex)
}

/** The raw text of a stack file given as -f: stdin, an http(s) URL, a file: URL or a path. */
export async function readStackText(file: string, cwd: string, stdin?: NodeJS.ReadableStream): Promise<string> {
  // process.stdin is made on first read (a stream over fd 0, ~3 ms): only for `-f -`
  if (file === '-') return readStream(stdin ?? process.stdin)
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(file)?.[1]?.toLowerCase()
  if (scheme === 'http' || scheme === 'https') return fetchStack(file)
  if (scheme === 'file') {
    let local: string
    try {
      local = fileURLToPath(file)
    } catch (err) {
      throw new FaasError(oneLine(`Invalid stack file URL ${file}: ${errorMessage(err)}`))
    }
    return readLocal(local, file)
  }
  if (scheme !== undefined && scheme.length > 1) {
    throw new FaasError(oneLine(`Cannot read stack file ${file}: unsupported URL scheme "${scheme}"`), {hint: 'Use an http(s) URL, a local path, or - for stdin'})
  }
  return readLocal(path.resolve(cwd, file), file)
}

async function readLocal(absolute: string, shown: string): Promise<string> {
  try {
    // read at once: nothing else runs before the stack is read, and node's fs/promises modules
    // (~2 ms to load) are not needed for it
    return readFileSync(absolute, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const reason =
      code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : errorMessage(err)
    // faas-cli: "Open nope.yml: no such file or directory"
    throw new FaasError(oneLine(`Open ${shown}: ${reason}`), {
      hint: code === 'ENOENT' ? 'Check the --yaml/-f path (it is relative to the current directory)' : undefined,
    })
  }
}

async function fetchStack(url: string): Promise<string> {
  let response: Response
  try {
    // Node's built-in fetch (undici is loaded on first use, not at start-up).
    response = await fetch(url, {signal: AbortSignal.timeout(REMOTE_STACK_TIMEOUT_MS), redirect: 'follow'})
  } catch (err) {
    const cause = (err as {cause?: unknown}).cause
    const reason =
      (err as Error)?.name === 'TimeoutError' ? `no answer within ${REMOTE_STACK_TIMEOUT_MS / 1000}s` : cause ? errorMessage(cause) : errorMessage(err)
    throw new FaasError(oneLine(`Cannot fetch stack file ${url}: ${reason}`))
  }
  if (!response.ok) {
    // faas-cli ignores the status and then fails to parse the error page; say what happened.
    await response.body?.cancel().catch(() => undefined)
    throw new FaasError(`Cannot fetch stack file ${url}: server returned ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`)
  }
  const tooLarge = () => new FaasError(`Cannot fetch stack file ${url}: it is larger than ${formatBytes(MAX_STACK_BYTES)}, more than faas reads`, {
    hint: 'Check the -f URL: it should name a stack.yaml; faas stops reading there so that an endless or huge answer cannot hang it or exhaust its memory.',
  })
  if (Number(response.headers.get('content-length')) > MAX_STACK_BYTES) {
    await response.body?.cancel().catch(() => undefined)
    throw tooLarge()
  }
  try {
    return response.body ? (await readLimited(response.body, MAX_STACK_BYTES)).toString('utf8') : ''
  } catch (err) {
    if (isTooLarge(err)) throw tooLarge()
    const reason = (err as Error)?.name === 'TimeoutError' ? `no complete answer within ${REMOTE_STACK_TIMEOUT_MS / 1000}s` : errorMessage(err)
    throw new FaasError(oneLine(`Cannot fetch stack file ${url}: ${reason}`))
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  } catch (err) {
    throw new FaasError(oneLine(`Cannot read the stack file from stdin: ${errorMessage(err)}`))
  }
  return Buffer.concat(chunks).toString('utf8')
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}
