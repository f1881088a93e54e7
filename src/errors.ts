/**
 * The one error type commands and services throw for expected failures: bad input, a gateway
 * that says no, a missing tool. BaseCommand renders it as one line on stderr (plus an optional
 * hint line) and exits with `exitCode` (1 unless said otherwise). Anything else that escapes a
 * command is a bug and is rendered with its stack under FAAS_DEBUG=1.
 */
export class FaasError extends Error {
  readonly hint?: string
  readonly exitCode: number

  constructor(message: string, options: {hint?: string; exitCode?: number; cause?: unknown} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'FaasError'
    this.hint = options.hint
    this.exitCode = options.exitCode ?? 1
  }
}

export function isFaasError(err: unknown): err is FaasError {
  return err instanceof Error && err.name === 'FaasError'
}

/** Message of any thrown value, for wrapping lower-level errors into a FaasError. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
