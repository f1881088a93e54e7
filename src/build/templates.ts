/**
 * What the build pipeline needs from the templates module: make sure the stack's templates are
 * present (auto-pull, §8) and find one template's folder and `template.yml`. Kept as a small
 * interface so services can be tested with a plain folder of templates.
 */
import type {Stack, StackFunction} from '../stack/types.js'
import type {TemplateSpec} from '../templates/spec.js'

/** template.yml as the templates module reads it (build uses handler_folder, build_options, mount_ssh). */
export type BuildTemplateSpec = TemplateSpec

export interface ResolvedTemplate {
  dir: string
  spec: BuildTemplateSpec
}

export interface TemplateLookup {
  /** Pull missing templates for these functions (no-op when all are present). */
  ensure(functions: readonly StackFunction[], stack: Stack | undefined): Promise<void>
  /** The template folder and spec for `lang`; a FaasError when it is missing. */
  resolve(lang: string): Promise<ResolvedTemplate>
}

export interface TemplateLookupOptions {
  cwd: string
  /** Auto-pull missing templates (build/publish/up/local-run do; §8). */
  allowPull?: boolean
  disableStackPull?: boolean
  overwrite?: boolean
  debug?: boolean
  env?: NodeJS.ProcessEnv
  /** Where "Pulling template: …" lines go (default stderr). */
  log?: (line: string) => void
}

/** The templates module's lookup (template folder `./template/<lang>`, auto-pull from stack or store). */
export async function templateLookup(opts: TemplateLookupOptions): Promise<TemplateLookup> {
  const templates = await import('../templates/index.js')
  return {
    async ensure(functions, stack) {
      if (!opts.allowPull) return
      const langs = functions.filter((f) => !f.skip_build && f.lang && f.lang.toLowerCase() !== 'dockerfile')
      if (!langs.length) return
      const pseudo: Stack = stack ?? {provider: {name: 'openfaas'}, functions: [...functions], source: ''}
      await templates.ensureTemplates({...pseudo, functions: langs}, {
        cwd: opts.cwd,
        disableStackPull: opts.disableStackPull,
        overwrite: opts.overwrite,
        debug: opts.debug,
        env: opts.env,
        log: opts.log,
      })
    },
    async resolve(lang) {
      const {dir, spec} = await templates.resolveTemplate(lang, {cwd: opts.cwd, allowPull: false, env: opts.env, log: opts.log})
      return {dir, spec}
    },
  }
}
