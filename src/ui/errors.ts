/**
 * How every error reaches the user: one `Error: …` line and an optional `Hint: …` line on stderr
 * (or, in --json mode, one JSON object `{"error": …, "hint": …}` on one line), and an exit code.
 * Our own FaasErrors already say what is wrong and how to fix it; oclif's parse errors (missing
 * argument, unknown flag, bad flag value) span several lines and name no fix, so they are
 * rewritten here into the same form, in faas-cli's words where it has them.
 */
import {isFaasError} from '../errors.js'
import {printableLines} from './escape.js'
import {quotedAlternatives, suggestions} from '../util/suggest.js'

export interface ShownError {
  message: string
  hint?: string
  exitCode: number
}

export interface ErrorContext {
  /** `faas` */
  bin: string
  /** oclif id of the command that failed (`secret:create`), when one was running. */
  commandId?: string
  /** Its flags (name → shorthand), for "did you mean" on an unknown flag. */
  flags?: Record<string, {char?: string}>
}

/** oclif's parse error shapes (see @oclif/core parser/errors). */
interface ParseErrorShape extends Error {
  oclif?: {exit?: number}
  flags?: string[]
  args?: Array<{name?: string; description?: string}> | string[]
}

const FLAG_PARSE = /^Parsing --([\w-]+)\s*\n\s*([\s\S]*?)(?:\nSee more help with --help)?$/

/** One line out of oclif's multi-line messages (drops its "See more help" and list headers). */
export function parseErrorLine(message: string): string {
  return message
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line !== '' && !/^The following errors? occurred:$/.test(line) && !/^See more help with/.test(line))
    .join(' ')
}

function helpHint(ctx: ErrorContext): string {
  const words = ctx.commandId ? `${ctx.bin} ${ctx.commandId.replaceAll(':', ' ')}` : ctx.bin
  return `See "${words} --help".`
}

function flagSuggestion(typed: string, ctx: ErrorContext): string | undefined {
  if (!ctx.flags) return undefined
  const long = typed.replace(/^-+/, '').split('=')[0]
  const names = Object.keys(ctx.flags)
  const found = typed.startsWith('--') ? suggestions(long, names).map((n) => `--${n}`) : []
  return found.length ? `Did you mean ${quotedAlternatives(found.slice(0, 3))}? ` : undefined
}

/** What a flag's parse function said, in faas-cli's "invalid argument" form where possible. */
function flagValueMessage(flag: string, said: string): string {
  const text = parseErrorLine(said)
  const integer = /^Expected an integer (.*?)\s*but received: (.*)$/.exec(text)
  if (integer) return `invalid argument "${integer[2]}" for "--${flag}" flag: expected an integer${integer[1] ? ` ${integer[1].trim()}` : ''}`
  if (/^invalid argument /i.test(text)) return text
  return `invalid argument for "--${flag}" flag: ${text}`
}

/** oclif's parse errors as one line plus a hint. */
function describeParseError(err: ParseErrorShape, ctx: ErrorContext): ShownError {
  const message = err.message ?? String(err)
  const exitCode = 1
  if (message.startsWith('Nonexistent flag') && Array.isArray(err.flags)) {
    const flags = err.flags as string[]
    return {message: `unknown flag${flags.length > 1 ? 's' : ''}: ${flags.join(', ')}`, hint: `${flagSuggestion(flags[0], ctx) ?? ''}${helpHint(ctx)}`, exitCode}
  }
  if (message.startsWith('Missing') && Array.isArray(err.args)) {
    const args = (err.args as Array<{name?: string; description?: string}>).filter((a) => a.name)
    const names = args.map((a) => a.name!.toUpperCase())
    const what = args.length === 1 && args[0].description ? ` (${args[0].description})` : ''
    const usage = ctx.commandId ? `${ctx.bin} ${ctx.commandId.replaceAll(':', ' ')} ${names.join(' ')}` : names.join(' ')
    return {message: `missing argument${names.length > 1 ? 's' : ''} ${names.join(' ')}${what}`, hint: `Usage: ${usage} [flags]. ${helpHint(ctx)}`, exitCode}
  }
  if (message.startsWith('Unexpected argument')) {
    return {message: parseErrorLine(message).replace(/^Unexpected/, 'unexpected'), hint: helpHint(ctx), exitCode}
  }
  const parsing = FLAG_PARSE.exec(message)
  if (parsing) return {message: flagValueMessage(parsing[1], parsing[2]), hint: helpHint(ctx), exitCode}
  const needsValue = /^Flag --([\w-]+) expects (?:a value|one of these values: (.*))$/.exec(message)
  if (needsValue) {
    return {message: `flag needs an argument: --${needsValue[1]}`, hint: needsValue[2] ? `One of: ${needsValue[2]}. ${helpHint(ctx)}` : helpHint(ctx), exitCode}
  }
  const option = /^Expected --([\w-]+)=(.*) to be one of: (.*)$/.exec(parseErrorLine(message))
  if (option) return {message: `invalid argument "${option[2]}" for "--${option[1]}" flag: must be one of ${option[3]}`, hint: helpHint(ctx), exitCode}
  const required = /^Missing required flag:? (?:--)?([\w-]+)$/.exec(parseErrorLine(message))
  if (required) return {message: `required flag "--${required[1]}" not set`, hint: helpHint(ctx), exitCode}
  return {message: parseErrorLine(message), hint: helpHint(ctx), exitCode}
}

/** Any thrown value as the user sees it. */
export function describeError(err: unknown, ctx: ErrorContext): ShownError {
  const debug = process.env.FAAS_DEBUG === '1' || process.env.FAAS_DEBUG === 'true'
  if (isFaasError(err)) {
    // a FaasError thrown by a flag's parse function comes back wrapped by oclif ("Parsing --x …")
    const parsing = FLAG_PARSE.exec(err.message)
    return {message: parsing ? parseErrorLine(parsing[2]) : err.message, hint: err.hint, exitCode: err.exitCode}
  }
  const shaped = err as ParseErrorShape
  if (shaped && typeof shaped === 'object' && (shaped.oclif || shaped.name === 'CLIError')) return describeParseError(shaped, ctx)
  const message = shaped instanceof Error ? shaped.message || String(shaped) : String(err)
  return {
    message,
    hint: debug ? undefined : `This looks like a bug in ${ctx.bin}; run again with FAAS_DEBUG=1 for details and report it.`,
    exitCode: 1,
  }
}

/** Writes the error to stderr: two text lines, or one JSON object in --json mode. */
export function writeError(shown: ShownError, options: {json?: boolean; stack?: string} = {}): void {
  if (options.json) {
    process.stderr.write(JSON.stringify(shown.hint ? {error: shown.message, hint: shown.hint} : {error: shown.message}) + '\n')
  } else {
    // messages quote gateway answers, git's stderr, index entries: escape what they carry
    process.stderr.write(`Error: ${printableLines(shown.message)}\n`)
    if (shown.hint) process.stderr.write(`Hint: ${printableLines(shown.hint)}\n`)
  }
  const debug = process.env.FAAS_DEBUG === '1' || process.env.FAAS_DEBUG === 'true'
  if (debug && options.stack) process.stderr.write(options.stack + '\n')
}

/**
 * Errors that escape oclif's run() outside any command (unknown command, `help nosuch`, hooks),
 * rendered like a command's (bin/run.js calls this instead of oclif's handler).
 */
export function handleTopLevelError(err: unknown, bin = 'faas'): void {
  const shaped = err as {code?: string; oclif?: {exit?: number}}
  if (shaped?.code === 'EEXIT') {
    process.exitCode = shaped.oclif?.exit ?? 0
    return
  }
  const shown = describeError(err, {bin})
  // `faas help nosuch` (plugin-help's "Command nosuch not found.")
  const unknown = /^command (.+) not found\.?$/i.exec(shown.message)
  if (unknown) {
    shown.message = `unknown command "${unknown[1].replaceAll(':', ' ')}" for "${bin}"`
    shown.hint = `Run "${bin} help" for the list of commands.`
  }
  writeError(shown, {stack: err instanceof Error ? err.stack : undefined})
  process.exitCode = shown.exitCode
}
