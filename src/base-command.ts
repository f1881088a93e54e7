/**
 * The base of every faas command. It owns what faas-cli does the same way everywhere:
 * - the global flags (-f/--yaml, --regex, --filter), Go-style `--flag=false` booleans, and Go's
 *   "last one wins" for a repeated single-value flag;
 * - loading the stack once, resolving the gateway URL and credentials, making the client;
 * - output discipline: data on stdout (JSON only in --json mode), everything else on stderr;
 * - errors: one line on stderr plus a hint, exit code 1 (never a stack trace unless FAAS_DEBUG=1).
 *
 * Heavy modules (stack parser, got, yaml) are imported inside the helpers, so a command that
 * does not need them does not pay for them at start-up.
 */
import {Command} from '@oclif/core'
import type {Input, ParserOutput} from '@oclif/core/interfaces'

import type {GatewayAuth, GatewayClient} from './gateway/client.js'
import type {LoadStackOptions} from './stack/load.js'
import type {Stack} from './stack/types.js'

import {FaasError} from './errors.js'
import {globalFlags} from './flags.js'
import {printableLines} from './ui/escape.js'
import {describeError, writeError} from './ui/errors.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Outputs = {[name: string]: any}

const GO_BOOL = /^(true|false|t|f|1|0|TRUE|FALSE|True|False|T|F)$/

function notABoolean(value: string, flag: string): FaasError {
  return new FaasError(`invalid argument "${value}" for "--${flag}" flag: expected true or false`, {
    hint: `Use --${flag}, --${flag}=false or --no-${flag}.`,
  })
}

/** Rewrite `--flag=false` / `--flag=true` for boolean flags into oclif's `--no-flag` / `--flag`. */
export function normaliseGoBooleans(argv: string[], flags: Record<string, {type: string; char?: string}>): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      out.push(...argv.slice(i))
      break
    }
    const m = /^--([^=]+)=(.*)$/.exec(arg)
    if (m && flags[m[1]]?.type === 'boolean') {
      if (!GO_BOOL.test(m[2])) throw notABoolean(m[2], m[1])
      const on = /^(true|t|1)$/i.test(m[2])
      out.push(on ? `--${m[1]}` : `--no-${m[1]}`)
      continue
    }
    const short = /^-([a-zA-Z])=(.*)$/.exec(arg)
    const name = short && Object.keys(flags).find((k) => flags[k].char === short[1] && flags[k].type === 'boolean')
    if (short && name) {
      if (!GO_BOOL.test(short[2])) throw notABoolean(short[2], name)
      out.push(/^(true|t|1)$/i.test(short[2]) ? `--${name}` : `--no-${name}`)
      continue
    }
    out.push(arg)
  }
  return out
}

interface FlagShape {
  type: string
  char?: string
  multiple?: boolean
}

/**
 * Go's pflag lets a single-value flag be given again, the last one winning (`-f a.yml -f b.yml`
 * reads b.yml); oclif refuses a repeated flag. Keep only the last occurrence of each flag that is
 * not repeatable. Expects booleans already normalised (`--x=false` → `--no-x`).
 */
export function keepLastFlagValue(argv: string[], flags: Record<string, FlagShape>): string[] {
  const byChar = new Map<string, string>()
  for (const [name, def] of Object.entries(flags)) if (def.char) byChar.set(def.char, name)
  const seen = new Map<string, number[][]>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') break
    let name: string | undefined
    let inlineValue = false
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      let key = eq >= 0 ? arg.slice(2, eq) : arg.slice(2)
      if (!flags[key] && key.startsWith('no-') && flags[key.slice(3)]?.type === 'boolean') key = key.slice(3)
      if (flags[key]) name = key
      inlineValue = eq >= 0
    } else if (arg.length >= 2 && arg[0] === '-' && byChar.has(arg[1])) {
      name = byChar.get(arg[1])!
      inlineValue = arg.length > 2
      // `-qv` (several boolean shorthands in one word) is left alone
      if (inlineValue && flags[name].type === 'boolean' && arg[2] !== '=') continue
    }
    if (!name) continue
    const def = flags[name]
    const tokens = [i]
    if (def.type === 'option' && !inlineValue && i + 1 < argv.length) tokens.push(++i)
    if (def.multiple) continue
    seen.set(name, [...(seen.get(name) ?? []), tokens])
  }
  const drop = new Set<number>()
  for (const groups of seen.values()) for (const group of groups.slice(0, -1)) for (const i of group) drop.add(i)
  return drop.size === 0 ? argv : argv.filter((_, i) => !drop.has(i))
}

/** One line out of oclif's multi-line parse errors (it lives with the error rendering). */
export {parseErrorLine} from './ui/errors.js'

/**
 * Whether argv asks for JSON output (-j, --json, --json=true; the last form wins), for errors
 * that happen before or while flags are parsed.
 */
export function argvAsksJson(argv: readonly string[]): boolean {
  let json = false
  for (const arg of argv) {
    if (arg === '--') break
    if (arg === '-j' || arg === '--json') json = true
    else if (arg === '--no-json') json = false
    else {
      const m = /^(?:-j|--json)=(.*)$/.exec(arg)
      if (m && GO_BOOL.test(m[1])) json = /^(true|t|1)$/i.test(m[1])
    }
  }
  return json
}

export interface ClientRequest {
  /** The -g/--gateway flag value. */
  gatewayFlag?: string
  /** Whether the stack's provider.gateway takes part in the resolution. */
  stack?: Stack
  flagExplicit?: boolean
  token?: string
  tlsNoVerify?: boolean
  timeoutMs?: number
  /** Send no credentials at all (invoke). */
  noAuth?: boolean
  /** Print faas-cli's warning (stderr) for a plain-HTTP gateway that is not on this machine. */
  tlsWarning?: boolean
}

export abstract class BaseCommand extends Command {
  static override baseFlags = globalFlags

  /**
   * True once flags are parsed with -j/--json: stdout then carries only JSON, and stderr only
   * JSON lines too (an error is one `{"error": …, "hint": …}` object).
   */
  protected jsonMode = false

  protected override async parse<F extends Outputs, B extends Outputs, A extends Outputs>(
    options?: Input<F, B, A>,
    argv: string[] = this.argv,
  ): Promise<ParserOutput<F, B, A>> {
    const defs = this.flagDefinitions(options)
    const parsed = await super.parse(options, keepLastFlagValue(normaliseGoBooleans(argv, defs), defs))
    if ('json' in defs && (parsed.flags as Outputs).json === true) this.jsonMode = true
    return parsed
  }

  private flagDefinitions(options?: object): Record<string, FlagShape> {
    const input = (options ?? this.ctor) as {baseFlags?: object; flags?: object}
    return {...(input.baseFlags ?? {}), ...(input.flags ?? {})} as Record<string, FlagShape>
  }

  /** Write data to stdout (a newline is added unless the text ends with one). */
  protected out(text = ''): void {
    process.stdout.write(text.endsWith('\n') ? text : text + '\n')
  }

  /**
   * Progress, notes and warnings: stderr, so stdout stays clean for data (a JSON line in --json
   * mode). They may quote a gateway or a repository, so control characters are escaped (ui/escape.ts).
   */
  protected note(text = ''): void {
    if (this.jsonMode) {
      if (text.trim()) process.stderr.write(JSON.stringify({warning: text.trim()}) + '\n')
      return
    }
    const safe = printableLines(text)
    process.stderr.write(safe.endsWith('\n') ? safe : safe + '\n')
  }

  /** Pretty JSON on stdout (2-space indented, like faas-cli's -j output). */
  protected printJson(value: unknown): void {
    process.stdout.write(JSON.stringify(value, null, 2) + '\n')
  }

  /** The stack file from -f/--yaml (or the default stack.yaml / stack.yml), filtered. */
  protected async loadStack(
    flags: {yaml?: string; regex?: string; filter?: string; envsubst?: boolean},
    options: Partial<LoadStackOptions> = {},
  ): Promise<Stack | undefined> {
    // load.ts imports the YAML parser only when there is a stack file to parse
    const {loadStack} = await import('./stack/load.js')
    return loadStack({
      file: flags.yaml,
      envsubst: flags.envsubst ?? true,
      filter: flags.filter || undefined,
      regex: flags.regex || undefined,
      cwd: process.cwd(),
      env: process.env,
      ...options,
    })
  }

  /** Gateway URL by faas-cli's precedence (flag, stack provider.gateway, OPENFAAS_URL, default). */
  protected async gatewayUrl(request: Pick<ClientRequest, 'gatewayFlag' | 'stack' | 'flagExplicit'>): Promise<string> {
    const {resolveGatewayUrl} = await import('./config/gateway.js')
    return resolveGatewayUrl({
      flag: request.gatewayFlag,
      stack: request.stack?.provider.gateway,
      env: process.env.OPENFAAS_URL,
      flagExplicit: request.flagExplicit,
    })
  }

  protected async credentials(gateway: string, token?: string): Promise<GatewayAuth | undefined> {
    const {resolveAuth} = await import('./config/credentials.js')
    return resolveAuth(gateway, token)
  }

  /** The REST client for the resolved gateway, with credentials, TLS and timeout settings. */
  protected async gatewayClient(request: ClientRequest): Promise<GatewayClient> {
    const gateway = await this.gatewayUrl(request)
    const auth = request.noAuth ? undefined : await this.credentials(gateway, request.token)
    const {GatewayClient} = await import('./gateway/client.js')
    if (request.tlsWarning) {
      const {insecureGatewayWarning} = await import('./gateway/notes.js')
      const warning = insecureGatewayWarning(gateway, request.tlsNoVerify ?? false)
      if (warning) this.note(warning)
    }
    return new GatewayClient({
      gateway,
      auth,
      tlsNoVerify: request.tlsNoVerify,
      timeoutMs: request.timeoutMs,
      userAgent: `faas-cli/${this.config.version}`,
    })
  }

  /** True when `--<name>` (or its short form) was typed on the command line. */
  protected flagGiven(name: string, char?: string): boolean {
    return this.argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`) || (char !== undefined && (a === `-${char}` || a.startsWith(`-${char}=`) || (a.startsWith(`-${char}`) && !a.startsWith('--')))))
  }

  protected override async catch(err: Error & {oclif?: {exit?: number}; code?: string}): Promise<void> {
    // this.exit(n) — a deliberate exit, not an error
    if (err.code === 'EEXIT') throw err
    const defs = this.flagDefinitions()
    const shown = describeError(err, {bin: this.config.bin, commandId: this.id, flags: defs})
    // a parse error comes before jsonMode is known: argv says whether JSON was asked for
    const json = this.jsonMode || ('json' in defs && argvAsksJson(this.argv))
    writeError(shown, {json, stack: err.stack})
    process.exitCode = shown.exitCode
  }
}

export {FaasError}
