/**
 * `faas __complete KIND [--yaml FILE]`: the values the completion scripts of `faas completion`
 * offer, one per line. bin/run.js runs it before oclif loads (it is called on every TAB) from its
 * own small bundle (dist/bundle/complete.js). It never fails and never goes online: a stack file
 * that does not parse, or a remote one, simply completes nothing.
 *   functions  the stack's function names (-f/--yaml, else stack.yaml / stack.yml)
 *   languages  templates in ./template and the ones that ship with faas (as `new --list`)
 *   templates  names in the template store index, when it is the shipped one or a local file
 */
export const VALUE_KINDS = ['functions', 'languages', 'templates'] as const
export type ValueKind = (typeof VALUE_KINDS)[number]

export interface CompletionValuesOptions {
  yaml?: string
  cwd: string
  env: NodeJS.ProcessEnv
}

async function stackFunctions(opts: CompletionValuesOptions): Promise<string[]> {
  if (opts.yaml === '-' || /^[a-z]+:\/\//i.test(opts.yaml ?? '')) return []
  const {loadStack} = await import('../stack/load.js')
  const stack = await loadStack({file: opts.yaml, cwd: opts.cwd, env: opts.env})
  return (stack?.functions ?? []).map((f) => f.name)
}

async function storeTemplates(opts: CompletionValuesOptions): Promise<string[]> {
  const {loadTemplateStore, templateStoreUrl} = await import('../templates/store.js')
  const url = templateStoreUrl(undefined, opts.env)
  if (/^https?:\/\//i.test(url)) return []
  return [...new Set((await loadTemplateStore(url)).templates.map((t) => t.template))].sort()
}

export async function completionValues(kind: string, opts: CompletionValuesOptions): Promise<string[]> {
  try {
    if (kind === 'functions') return await stackFunctions(opts)
    if (kind === 'languages') {
      const {listAvailableLanguages} = await import('../templates/local.js')
      return await listAvailableLanguages(opts.cwd)
    }
    if (kind === 'templates') return await storeTemplates(opts)
  } catch {
    // completion must stay quiet
  }
  return []
}

/** The `__complete` entry point: `KIND [--yaml FILE | -f FILE]`. */
export async function printCompletionValues(argv: readonly string[]): Promise<void> {
  const [kind, ...rest] = argv
  let yaml: string | undefined
  for (let i = 0; i < rest.length; i++) {
    if ((rest[i] === '--yaml' || rest[i] === '-f') && i + 1 < rest.length) yaml = rest[++i]
  }
  const values = await completionValues(kind ?? '', {yaml, cwd: process.cwd(), env: process.env})
  if (values.length) process.stdout.write(values.join('\n') + '\n')
}
