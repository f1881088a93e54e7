/**
 * --filter / --regex selection of stack functions (spec §2). No YAML here: cheap to import.
 */
import {FaasError} from '../errors.js'
import {oneLine} from './text.js'
import type {Stack, StackFunction} from './types.js'

export const NO_MATCH_MESSAGE = 'No functions matching --filter/--regex were found in the YAML file'

/**
 * Keep the functions whose name matches `filter` (a wildcard where `*` is any run of characters
 * and the whole name must match) or `regex` (a regular expression matched anywhere in the name).
 * Empty strings mean "not given". Giving both, or matching nothing, is an error.
 */
export function selectFunctions(stack: Stack, filter?: string, regex?: string): Stack {
  const matcher = functionMatcher(filter, regex)
  if (!matcher) return stack
  const functions = stack.functions.filter((fn) => matcher(fn.name))
  if (functions.length === 0) {
    throw new FaasError(NO_MATCH_MESSAGE, {
      hint: stack.functions.length
        ? oneLine(`Functions in ${stack.source === '-' ? 'the stack' : stack.source}: ${stack.functions.map((f: StackFunction) => f.name).join(', ')}`)
        : 'The stack file has no functions',
    })
  }
  return {...stack, functions}
}

/** A predicate for function names, or undefined when neither --filter nor --regex is set. */
export function functionMatcher(filter?: string, regex?: string): ((name: string) => boolean) | undefined {
  const hasFilter = filter !== undefined && filter !== ''
  const hasRegex = regex !== undefined && regex !== ''
  if (hasFilter && hasRegex) throw new FaasError('Pass in a regex or a filter, not both', {hint: 'Use either --filter or --regex'})
  if (hasFilter) {
    const re = wildcardToRegExp(filter)
    return (name) => re.test(name)
  }
  if (hasRegex) {
    const re = compileRegex(regex)
    return (name) => {
      re.lastIndex = 0
      return re.test(name)
    }
  }
  return undefined
}

/** `api-*` → /^api-[\s\S]*$/ — only `*` is special. */
export function wildcardToRegExp(filter: string): RegExp {
  const source = filter
    .split('*')
    .map((part) => part.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'))
    .join('[\\s\\S]*')
  return new RegExp(`^${source}$`)
}

/**
 * A JavaScript regular expression, unanchored. Go's leading inline flags (`(?i)`, `(?s)`, `(?m)`,
 * combined like `(?is)`), common in faas-cli scripts, become JavaScript flags.
 */
export function compileRegex(regex: string): RegExp {
  let flags = ''
  let source = regex
  const inline = /^\(\?([ims]+)\)/.exec(source)
  if (inline) {
    flags = [...new Set(inline[1])].join('')
    source = source.slice(inline[0].length)
  }
  try {
    return new RegExp(source, flags)
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err)
    throw new FaasError(oneLine(`Error parsing regexp: ${reason}`), {hint: '--regex takes a regular expression, e.g. --regex "^api-"; use --filter for wildcards like "api-*"'})
  }
}
