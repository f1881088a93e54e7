/**
 * `faas new NAME --lang LANG [...]` without loading oclif: bin/run.js calls this first, and it
 * handles the plain forms of the command (a name, --lang, and the value flags) with a template
 * that is local or shipped, which is what scripts and people type most; it does exactly what
 * the oclif command does, through the same service and the same output. Anything else (--list,
 * --help, a missing name or language that may need a prompt, an unknown flag, a repeated flag,
 * a template to fetch) returns false before writing anything, and the full CLI runs.
 *
 * Why: `new` is a measured figure (at most 1.3x `faas --version`, which is itself a fast path);
 * oclif alone costs more than that budget. It is bundled on its own (dist/bundle/new.js).
 */
import {DEFAULT_GATEWAY, resolveGatewayUrl} from '../config/gateway.js'
import {describeError, writeError} from '../ui/errors.js'
import {resolveOffline} from './resolve-local.js'
import {TemplateNotOffline, createFunction, newStackTarget, renderNewResult} from './scaffold.js'

const VALUE_FLAGS: Record<string, string> = {
  '--lang': 'lang',
  '-g': 'gateway',
  '--gateway': 'gateway',
  '--handler': 'handler',
  '-p': 'prefix',
  '--prefix': 'prefix',
  '--memory-limit': 'memory-limit',
  '--cpu-limit': 'cpu-limit',
  '--memory-request': 'memory-request',
  '--cpu-request': 'cpu-request',
  '-a': 'append',
  '--append': 'append',
  '-f': 'yaml',
  '--yaml': 'yaml',
  '--regex': 'regex',
  '--filter': 'filter',
}
const BOOLEAN_FLAGS: Record<string, string> = {'-q': 'quiet', '--quiet': 'quiet'}

export interface FastNewArgs {
  name: string
  flags: Record<string, string>
  quiet: boolean
}

/** The arguments after `new`, when they are a form the fast path handles; else undefined. */
export function parseFastNewArgs(argv: string[]): FastNewArgs | undefined {
  const flags: Record<string, string> = {}
  const positional: string[] = []
  let quiet = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--' || arg === '-') return undefined
    if (!arg.startsWith('-')) {
      positional.push(arg)
      continue
    }
    // `--flag=value` for long flags only (oclif reads `-p=x` differently)
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    const key = eq > 0 ? arg.slice(0, eq) : arg
    if (BOOLEAN_FLAGS[key] && eq < 0) {
      if (quiet) return undefined
      quiet = true
      continue
    }
    const name = VALUE_FLAGS[key]
    if (!name || flags[name] !== undefined) return undefined
    let value: string | undefined
    if (eq > 0) value = arg.slice(eq + 1)
    else {
      value = argv[++i]
      if (value === undefined || value.startsWith('-')) return undefined
    }
    flags[name] = value
  }
  if (positional.length !== 1 || !flags.lang) return undefined
  return {name: positional[0], flags, quiet}
}

/** Runs `new` for `argv` (the arguments after `new`); false when the full CLI must handle it. */
export async function tryFastNew(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const parsed = parseFastNewArgs(argv)
  if (!parsed) return false
  const {flags} = parsed
  try {
    const cwd = process.cwd()
    const lang = flags.lang.toLowerCase() === 'dockerfile' ? 'dockerfile' : flags.lang
    const result = await createFunction({
      name: parsed.name,
      lang,
      cwd,
      gateway: resolveGatewayUrl({flag: flags.gateway ?? DEFAULT_GATEWAY, env: env.OPENFAAS_URL}),
      handler: flags.handler || undefined,
      prefix: flags.prefix || env.OPENFAAS_PREFIX || '',
      append: flags.append || undefined,
      stackFile: flags.append ? undefined : newStackTarget(cwd, flags.yaml),
      memoryLimit: flags['memory-limit'],
      cpuLimit: flags['cpu-limit'],
      memoryRequest: flags['memory-request'],
      cpuRequest: flags['cpu-request'],
      // a template that must be fetched (store, git) is left to the full CLI
      resolveTemplate: resolveOffline,
    })
    process.stdout.write(renderNewResult(result, parsed.quiet))
  } catch (error) {
    if (error instanceof TemplateNotOffline) return false
    // as BaseCommand renders errors
    const shown = describeError(error, {bin: 'faas', commandId: 'new'})
    writeError(shown, {stack: (error as Error)?.stack})
    process.exitCode = shown.exitCode
  }
  return true
}
