/**
 * Shell completion scripts for `faas completion --shell bash|zsh` (faas-cli's `completion`),
 * made from the command list oclif already holds (the manifest), so every command, alias and flag
 * is offered without a cache or a second process. The script completes both bin names, `faas` and
 * `faas-cli`. Words are matched command by command: `faas secret cr<TAB>` → `create`, `faas
 * secret create --f<TAB>` → `--from-file --from-literal --filter`. Values are completed too
 * (VALUE_COMPLETIONS): function names of the stack, languages for `new --lang`, store templates;
 * the script asks `faas __complete KIND` for them (bin/run.js answers without loading oclif).
 * After any other flag that takes a value, the shell's own file completion takes over.
 */

import type {ValueKind} from './complete-values.js'

export type CompletionShell = 'bash' | 'zsh'
export const COMPLETION_SHELLS: readonly CompletionShell[] = ['bash', 'zsh']

export interface CompletionFlag {
  name: string
  char?: string
  type: string
  hidden?: boolean
}

export interface CompletionCommand {
  /** oclif id, `secret:create`; alias entries appear as commands of their own (`ns:create`). */
  id: string
  hidden?: boolean
  aliases?: string[]
  hiddenAliases?: string[]
  flags: Record<string, CompletionFlag>
}

/**
 * Which values complete where: a command's positional argument (no flag), or a flag's value
 * (`command: '*'` for every command). Aliases of a command (`rm`, `ns ls`) get the same.
 */
export const VALUE_COMPLETIONS: ReadonlyArray<{command: string; flag?: string; kind: ValueKind}> = [
  {command: 'invoke', kind: 'functions'},
  {command: 'logs', kind: 'functions'},
  {command: 'describe', kind: 'functions'},
  {command: 'remove', kind: 'functions'},
  {command: 'ready', kind: 'functions'},
  {command: 'local-run', kind: 'functions'},
  {command: '*', flag: '--filter', kind: 'functions'},
  {command: 'new', flag: '--lang', kind: 'languages'},
  {command: 'template:store:pull', kind: 'templates'},
  {command: 'template:store:describe', kind: 'templates'},
]

/** `"<command path>|<flag or empty>") echo <kind>` arms for every command id and alias. */
function valueArms(commands: readonly CompletionCommand[]): string[] {
  const canonical = new Map<string, string>()
  for (const c of commands) {
    const own = [...(c.aliases ?? []), ...(c.hiddenAliases ?? [])]
    if (own.includes(c.id)) continue
    canonical.set(c.id, c.id)
    for (const alias of own) canonical.set(alias, c.id)
  }
  const arms: string[] = []
  for (const rule of VALUE_COMPLETIONS) {
    const key = (path: string) => JSON.stringify(`${path}|${rule.flag ?? ''}`)
    if (rule.command === '*') {
      arms.push(`    *${key('')}) echo ${rule.kind} ;;`)
      continue
    }
    for (const [id, target] of [...canonical.entries()].sort()) {
      if (target === rule.command) arms.push(`    ${key(id.replaceAll(':', ' '))}) echo ${rule.kind} ;;`)
    }
  }
  return arms
}

interface PathEntry {
  children: Set<string>
  flags: Set<string>
  valued: Set<string>
}

/** Per command path (`''` is the root, `secret create` a command): subcommands, flags, flags with a value. */
export function completionTable(commands: readonly CompletionCommand[]): Map<string, PathEntry> {
  const hiddenIds = new Set<string>()
  for (const c of commands) {
    if (c.hidden) hiddenIds.add(c.id)
    for (const alias of c.hiddenAliases ?? []) hiddenIds.add(alias)
  }
  const table = new Map<string, PathEntry>()
  const entry = (path: string): PathEntry => {
    let e = table.get(path)
    if (!e) table.set(path, (e = {children: new Set(), flags: new Set(), valued: new Set()}))
    return e
  }
  entry('')
  for (const c of commands) {
    const words = c.id.split(':')
    const e = entry(words.join(' '))
    for (const f of Object.values(c.flags)) {
      if (f.hidden) continue
      const forms = [`--${f.name}`, ...(f.char ? [`-${f.char}`] : [])]
      for (const form of forms) {
        e.flags.add(form)
        if (f.type === 'option') e.valued.add(form)
      }
    }
    // register each word under its parent; a hidden alias is offered only below a hidden parent
    for (let i = 0; i < words.length; i++) {
      const parentId = words.slice(0, i).join(':')
      const childId = words.slice(0, i + 1).join(':')
      const visible = !hiddenIds.has(childId) || (parentId !== '' && hiddenIds.has(parentId))
      entry(words.slice(0, i + 1).join(' '))
      if (visible) entry(words.slice(0, i).join(' ')).children.add(words[i])
    }
  }
  return table
}

function quoteWords(words: Iterable<string>): string {
  return [...words].sort().join(' ')
}

/** A shell `case` that echoes one space-separated word list per command path. */
function caseFunction(name: string, table: Map<string, PathEntry>, pick: (e: PathEntry) => Set<string>): string {
  const arms = [...table.entries()]
    .filter(([, e]) => pick(e).size > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, e]) => `    ${JSON.stringify(path)}) echo ${JSON.stringify(quoteWords(pick(e)))} ;;`)
  return [`${name}() {`, '  case "$1" in', ...arms, '  esac', '}'].join('\n')
}

function sharedFunctions(table: Map<string, PathEntry>, commands: readonly CompletionCommand[]): string {
  const paths = `|${[...table.keys()].sort().join('|')}|`
  return [
    `_faas_paths=${JSON.stringify(paths)}`,
    caseFunction('_faas_children', table, (e) => e.children),
    caseFunction('_faas_flags', table, (e) => e.flags),
    caseFunction('_faas_valued', table, (e) => e.valued),
    '# the kind of value that completes after "$2" (a flag, or empty for an argument) in command "$1"',
    '_faas_values() {',
    '  case "$1|$2" in',
    ...valueArms(commands),
    '  esac',
    '}',
    '# the values of kind $1 from the CLI itself ($2); the other words name the stack file (-f/--yaml)',
    '_faas_fetch() {',
    '  local kind="$1" bin="$2" yaml="" prev="" word',
    '  shift 2',
    '  for word in "$@"; do',
    '    case "$prev" in -f|--yaml) yaml="$word" ;; esac',
    '    case "$word" in --yaml=*) yaml="${word#--yaml=}" ;; -f=*) yaml="${word#-f=}" ;; esac',
    '    prev="$word"',
    '  done',
    '  "$bin" __complete "$kind" ${yaml:+--yaml "$yaml"} 2>/dev/null',
    '}',
    // the command path typed so far: words that extend a known path (flags and their values are skipped)
    '_faas_command_path() {',
    '  local cmdpath="" word skip=0',
    '  shift # the program name; the last argument is the word being completed',
    '  while (($# > 1)); do',
    '    word="$1"',
    '    shift',
    '    if ((skip)); then skip=0; continue; fi',
    '    if [[ "$word" == -* ]]; then',
    '      [[ "$word" != *=* && " $(_faas_valued "$cmdpath") " == *" $word "* ]] && skip=1',
    '      continue',
    '    fi',
    '    if [[ "$_faas_paths" == *"|${cmdpath:+$cmdpath }$word|"* ]]; then cmdpath="${cmdpath:+$cmdpath }$word"; fi',
    '  done',
    '  echo "$cmdpath"',
    '}',
  ].join('\n')
}

export function completionScript(shell: CompletionShell, commands: readonly CompletionCommand[]): string {
  const table = completionTable(commands)
  if (shell === 'bash') {
    return `# bash completion for faas and faas-cli. Load it with:
#   source <(faas completion --shell bash)
# or save it as a file in the bash-completion directory (e.g. /etc/bash_completion.d/faas).
${sharedFunctions(table, commands)}
_faas_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev=""
  ((COMP_CWORD > 1)) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmdpath kind
  cmdpath="$(_faas_command_path "\${COMP_WORDS[@]:0:COMP_CWORD+1}")"
  COMPREPLY=()
  if [[ -n "$prev" && "$prev" == -* && " $(_faas_valued "$cmdpath") " == *" $prev "* ]]; then
    kind="$(_faas_values "$cmdpath" "$prev")"
    # a flag value: known values, else the shell's default (file) completion
    [[ -n "$kind" ]] && COMPREPLY=($(compgen -W "$(_faas_fetch "$kind" "\${COMP_WORDS[@]}")" -- "$cur"))
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_faas_flags "$cmdpath")" -- "$cur"))
  else
    local choices
    choices="$(_faas_children "$cmdpath")"
    kind="$(_faas_values "$cmdpath" "")"
    [[ -n "$kind" ]] && choices="$choices $(_faas_fetch "$kind" "\${COMP_WORDS[@]}")"
    COMPREPLY=($(compgen -W "$choices" -- "$cur"))
  fi
}
complete -o default -F _faas_complete faas faas-cli
`
  }
  return `#compdef faas faas-cli
# zsh completion for faas and faas-cli. Load it with:
#   source <(faas completion --shell zsh)
# (after compinit), or save it as _faas in a directory of $fpath.
${sharedFunctions(table, commands)}
_faas() {
  local cur="\${words[CURRENT]}" prev=""
  ((CURRENT > 2)) && prev="\${words[CURRENT-1]}"
  local cmdpath kind
  cmdpath="$(_faas_command_path "\${(@)words[1,CURRENT]}")"
  local -a choices
  if [[ -n "$prev" && "$prev" == -* && " $(_faas_valued "$cmdpath") " == *" $prev "* ]]; then
    kind="$(_faas_values "$cmdpath" "$prev")"
    if [[ -z "$kind" ]]; then
      _files
      return
    fi
    choices=(\${=$(_faas_fetch "$kind" "\${(@)words}")})
    ((\${#choices})) && compadd -- "\${choices[@]}"
    return
  fi
  if [[ "$cur" == -* ]]; then
    choices=(\${=$(_faas_flags "$cmdpath")})
  else
    choices=(\${=$(_faas_children "$cmdpath")})
    kind="$(_faas_values "$cmdpath" "")"
    [[ -n "$kind" ]] && choices+=(\${=$(_faas_fetch "$kind" "\${(@)words}")})
  fi
  if ((\${#choices})); then
    compadd -- "\${choices[@]}"
  else
    _files
  fi
}
compdef _faas faas faas-cli
`
}
