/**
 * The only place that runs git or degit. A repository is fetched into a fresh temporary
 * folder (outside the project) and handed back with its commit; copying templates out of it
 * (with the safety checks) is the caller's job.
 *
 * - General path: `git clone <repo> <tmp> --depth=1 --config core.autocrlf=false [-b <ref>]`,
 *   faas-cli's exact argv, which works for ssh, private, self-hosted and file:// repositories;
 *   a `sha-<hex>` pin clones fully and checks the commit out.
 * - Fast path: https GitHub/GitLab/Bitbucket repositories come as a tarball through degit,
 *   cached (by commit) under `$XDG_CACHE_HOME/faas/templates/degit`. Any degit failure falls
 *   back to git.
 */
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {FaasError, errorMessage} from '../errors.js'
import {templatesCacheDir} from './paths.js'
import {type GitRepoSpec, degitSite} from './repo.js'

export interface Checkout {
  /** The fetched repository (its root). */
  dir: string
  /** The commit that was fetched ('' when unknown). */
  sha: string
  /** Removes the temporary folder (kept under --debug). */
  cleanup(): Promise<void>
}

export interface FetchOptions {
  env?: NodeJS.ProcessEnv
  /** Keep the temporary clone and print the commands (`--debug`). */
  debug?: boolean
  /** Progress and debug lines (stderr by default). */
  log?: (line: string) => void
  /** Replaces degit (tests); return the commit or '' when unknown. */
  degitFetch?: (url: string, ref: string | undefined, dest: string) => Promise<string>
  /** Set to false to skip the degit fast path. */
  fastPath?: boolean
}

function isDebug(env: NodeJS.ProcessEnv, options: FetchOptions): boolean {
  return Boolean(options.debug) || env.FAAS_DEBUG === '1' || env.FAAS_DEBUG === 'true'
}

async function tempDir(): Promise<string> {
  // faas-cli's prefix, so folders left by --debug look familiar
  return fs.mkdtemp(path.join(os.tmpdir(), 'openFaasTemplates'))
}

interface GitResult {
  exitCode: number
  stdout: string
  stderr: string
}

async function runGit(args: string[], env: NodeJS.ProcessEnv, options: FetchOptions): Promise<GitResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'))
  if (isDebug(env, options)) log(`git ${args.join(' ')}`)
  const {execa} = await import('execa')
  // Never hang on a credential prompt without someone to answer it.
  const interactive = Boolean(process.stdin.isTTY) && !env.CI
  const result = await execa('git', args, {
    env: {...env, ...(interactive ? {} : {GIT_TERMINAL_PROMPT: '0'})},
    extendEnv: false,
    reject: false,
    stdin: interactive ? 'inherit' : 'ignore',
    stripFinalNewline: true,
  })
  const failedToStart = (result as {code?: string}).code === 'ENOENT' || /ENOENT/.test(String((result as {originalMessage?: string}).originalMessage ?? ''))
  if (failedToStart && result.exitCode === undefined) {
    throw new FaasError('git is not installed (or not on PATH)', {hint: 'Install git to pull templates, e.g. apt-get install git.'})
  }
  return {exitCode: result.exitCode ?? 1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '')}
}

function gitFailure(what: string, result: GitResult): FaasError {
  const detail = result.stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^warning: --depth is ignored/.test(l))
  const last = detail.at(-1)
  return new FaasError(`Error while fetching templates: error invoking git ${what}: exit status ${result.exitCode}${last ? ` (${last})` : ''}`, {
    hint: 'Check the repository URL and ref, and that git can reach it (credentials, network).',
  })
}

export async function gitClone(spec: GitRepoSpec, options: FetchOptions = {}): Promise<Checkout> {
  const env = options.env ?? process.env
  const dir = await tempDir()
  const cleanup = async () => {
    if (!options.debug) await fs.rm(dir, {recursive: true, force: true})
  }
  try {
    const args = spec.sha
      ? ['clone', spec.url, dir, '--config', 'core.autocrlf=false']
      : ['clone', spec.url, dir, '--depth=1', '--config', 'core.autocrlf=false', ...(spec.ref ? ['-b', spec.ref] : [])]
    const cloned = await runGit(args, env, options)
    if (cloned.exitCode !== 0) throw gitFailure('clone', cloned)
    if (spec.sha) {
      const checkout = await runGit(['-C', dir, 'checkout', '--quiet', spec.sha], env, options)
      if (checkout.exitCode !== 0) throw gitFailure('checkout', checkout)
    }
    const head = await runGit(['-C', dir, 'rev-parse', 'HEAD'], env, options)
    if (isDebug(env, options)) {
      const last = await runGit(['-C', dir, 'log', '-1', '--oneline'], env, options)
      options.log?.(last.stdout)
      if (options.debug) options.log?.(`Temp files in ${dir}`)
    }
    return {dir, sha: head.exitCode === 0 ? head.stdout.trim() : '', cleanup}
  } catch (error) {
    await fs.rm(dir, {recursive: true, force: true})
    throw error
  }
}

/** degit into `dest`; returns the commit it fetched ('' when unknown). */
async function degitFetch(url: string, ref: string | undefined, dest: string, env: NodeJS.ProcessEnv): Promise<string> {
  const site = degitSite(url)
  if (!site) throw new Error(`not a degit repository: ${url}`)
  const cacheRoot = templatesCacheDir(env)
  // degit fixes its cache folder ($XDG_CACHE_HOME/degit) when it is first loaded: point it
  // into our cache for that moment.
  const saved = process.env.XDG_CACHE_HOME
  process.env.XDG_CACHE_HOME = cacheRoot
  let degit: typeof import('degit').default
  try {
    degit = (await import('degit')).default
  } finally {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME
    else process.env.XDG_CACHE_HOME = saved
  }
  const source = `${site.site}:${site.user}/${site.name}${ref ? `#${ref}` : ''}`
  // the tarball comes through our client (proxy, TLS settings) and stops at MAX_TARBALL_BYTES
  const [{AnswerTooLargeError, GatewayClient}, {MAX_TARBALL_BYTES}] = await Promise.all([import('../gateway/client.js'), import('../util/limits.js')])
  let tooLarge: FaasError | undefined
  const download = async (tarball: string, file: string) => {
    const client = new GatewayClient({gateway: new URL(tarball).origin, env, userAgent: 'faas-cli'})
    try {
      await client.download(tarball, file, MAX_TARBALL_BYTES)
    } catch (error) {
      if (error instanceof AnswerTooLargeError) tooLarge = error
      throw error
    }
  }
  const emitter = degit(source, {cache: false, force: true, verbose: false, mode: 'tar', fetch: download})
  // a failed download falls back to our own git clone (fetchGitRepository), not to degit's
  emitter.shouldFallbackToGit = () => false
  try {
    await emitter.clone(dest)
  } catch (error) {
    throw tooLarge ?? error
  }
  try {
    const map = JSON.parse(await fs.readFile(path.join(cacheRoot, 'degit', site.site, site.user, site.name, 'map.json'), 'utf8')) as Record<string, string>
    return map[ref ?? 'HEAD'] ?? ''
  } catch {
    return ''
  }
}

/** Fetches a git repository: degit for hosted https repositories, else (or on failure) git. */
export async function fetchGitRepository(spec: GitRepoSpec, options: FetchOptions = {}): Promise<Checkout> {
  const env = options.env ?? process.env
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'))
  if (options.fastPath !== false && !spec.sha && degitSite(spec.url) && env.FAAS_TEMPLATE_FETCH !== 'git') {
    const dir = await tempDir()
    try {
      const fetcher = options.degitFetch ?? ((url: string, ref: string | undefined, dest: string) => degitFetch(url, ref, dest, env))
      const sha = await fetcher(spec.url, spec.ref, dir)
      if (isDebug(env, options)) log(`degit fetched ${spec.url}${spec.ref ? `#${spec.ref}` : ''}${sha ? ` at ${sha}` : ''} into ${dir}`)
      return {dir, sha, cleanup: async () => {
        if (!options.debug) await fs.rm(dir, {recursive: true, force: true})
      }}
    } catch (error) {
      await fs.rm(dir, {recursive: true, force: true})
      // a tarball past the cap is no template repository: say so rather than clone it all with git
      if (error instanceof (await import('../gateway/client.js')).AnswerTooLargeError) throw error
      if (isDebug(env, options)) log(`degit failed (${errorMessage(error)}); falling back to git clone`)
    }
  }
  return gitClone(spec, {...options, log})
}
