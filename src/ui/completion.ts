/**
 * Shell completion scripts for `faas completion --shell bash|zsh` (faas-cli's `completion`),
 * made from the command list oclif already holds (the manifest), so every command, alias and flag
 * is offered without a cache or a second process. The script completes both bin names, `faas` and
 * `faas-cli`. Words are matched command by command: `faas secret cr<TAB>` → `create`, `faas
 * secret create --f<TAB>` → `--from-file --from-literal --filter`; after a flag that takes a value,
 * and after a complete command, the shell's own file completion takes over.
 */

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
  hiddenAliases?: string[]
  flags: Record<string, CompletionFlag>
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

function sharedFunctions(table: Map<string, PathEntry>): string {
  const paths = `|${[...table.keys()].sort().join('|')}|`
  return [
    `_faas_paths=${JSON.stringify(paths)}`,
    caseFunction('_faas_children', table, (e) => e.children),
    caseFunction('_faas_flags', table, (e) => e.flags),
    caseFunction('_faas_valued', table, (e) => e.valued),
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
${sharedFunctions(table)}
_faas_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev=""
  ((COMP_CWORD > 1)) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmdpath
  cmdpath="$(_faas_command_path "\${COMP_WORDS[@]:0:COMP_CWORD+1}")"
  COMPREPLY=()
  if [[ -n "$prev" && "$prev" == -* && " $(_faas_valued "$cmdpath") " == *" $prev "* ]]; then
    return 0 # a flag value: the shell's default (file) completion
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_faas_flags "$cmdpath")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_faas_children "$cmdpath")" -- "$cur"))
  fi
}
complete -o default -F _faas_complete faas faas-cli
`
  }
  return `#compdef faas faas-cli
# zsh completion for faas and faas-cli. Load it with:
#   source <(faas completion --shell zsh)
# (after compinit), or save it as _faas in a directory of $fpath.
${sharedFunctions(table)}
_faas() {
  local cur="\${words[CURRENT]}" prev=""
  ((CURRENT > 2)) && prev="\${words[CURRENT-1]}"
  local cmdpath
  cmdpath="$(_faas_command_path "\${(@)words[1,CURRENT]}")"
  if [[ -n "$prev" && "$prev" == -* && " $(_faas_valued "$cmdpath") " == *" $prev "* ]]; then
    _files
    return
  fi
  local -a choices
  if [[ "$cur" == -* ]]; then
    choices=(\${=$(_faas_flags "$cmdpath")})
  else
    choices=(\${=$(_faas_children "$cmdpath")})
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
