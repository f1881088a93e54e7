/**
 * The git facts behind `--tag sha|branch|describe` (§4.1), read from the repository that holds
 * the current directory. Outside a git repository these fail with a clear error instead of
 * baking git's error text into the tag (the §10 quirk: faas-cli produced
 * `img:latest-fatal: not a git repository ...`).
 */
import {FaasError} from '../errors.js'
import type {GitFacts, TagFormat} from './image.js'

async function git(args: string[], cwd: string, what: string): Promise<string> {
  const {execa} = await import('execa')
  let result
  try {
    result = await execa('git', args, {cwd, reject: false, stdin: 'ignore'})
  } catch (error) {
    throw new FaasError(`--tag ${what} needs git, which could not be run: ${(error as Error).message}`, {
      hint: 'Install git, or use --tag latest',
    })
  }
  if (result.failed || result.exitCode !== 0) {
    const stderr = String(result.stderr ?? '').trim()
    const code = (result as {code?: string}).code
    if (code === 'ENOENT') {
      throw new FaasError(`--tag ${what} needs git, which is not installed`, {hint: 'Install git, or use --tag latest'})
    }
    if (/not a git repository/i.test(stderr)) {
      throw new FaasError(`--tag ${what} needs a git repository, but ${cwd} is not inside one`, {
        hint: 'Run the command inside a git repository (git init && git commit), or use --tag latest or --tag digest',
      })
    }
    throw new FaasError(`--tag ${what}: git ${args.join(' ')} failed: ${stderr || `exit code ${result.exitCode}`}`, {
      hint: what === 'describe' ? undefined : 'A repository needs at least one commit for --tag sha/branch',
    })
  }
  return String(result.stdout).trim()
}

/** Read only the facts `format` needs (none for latest/digest). */
export async function readGitFacts(format: TagFormat, cwd: string): Promise<GitFacts> {
  if (format === 'sha') return {sha: await git(['rev-parse', '--short', 'HEAD'], cwd, format)}
  if (format === 'branch') {
    const branch = await git(['rev-parse', '--symbolic-full-name', '--abbrev-ref', 'HEAD'], cwd, format)
    const sha = await git(['rev-parse', '--short', 'HEAD'], cwd, format)
    return {branch, sha}
  }
  if (format === 'describe') return {describe: await git(['describe', '--tags', '--always'], cwd, format)}
  return {}
}
