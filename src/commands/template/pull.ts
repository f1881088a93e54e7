import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'

export default class TemplatePull extends BaseCommand {
  static override summary = 'Download templates from a git repository (or "stack")'
  static override description = `Copies every template under template/ of a repository into ./template, each with a meta.json. REPOSITORY is a git URL (https, ssh, git@host:, file://) or a local folder or .tar.gz archive; default: OPENFAAS_TEMPLATE_URL, else https://github.com/openfaas/templates.git. Pin it with #branch, #tag or #sha-<commit>: the templates are then stored as <name>@<ref>. "faas template pull stack" pulls the templates listed under configuration.templates in the stack file.`
  static override examples = [
    '<%= config.bin %> template pull https://github.com/openfaas/golang-http-template',
    '<%= config.bin %> template pull https://github.com/openfaas/templates#1.0.0',
    '<%= config.bin %> template pull git@github.com:acme/faas-templates.git --overwrite=false',
    '<%= config.bin %> template pull stack -f stack.yaml',
  ]

  static override args = {
    repository: Args.string({description: 'Repository URL or path, optionally with #ref; or "stack"', required: false}),
  }

  static override flags = {
    overwrite: Flags.boolean({description: 'Overwrite existing templates', default: true, allowNo: true}),
    debug: Flags.boolean({description: 'Print the git commands and keep the temporary clone', default: false, allowNo: true}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(TemplatePull)
    const templates = await import('../../templates/index.js')
    const cwd = process.cwd()
    if (args.repository === 'stack') {
      // configuration.templates is read as written: no environment substitution
      const stack = await this.loadStack({...flags, envsubst: false})
      const results = await templates.pullStackTemplates(stack, {
        cwd,
        overwrite: flags.overwrite,
        debug: flags.debug,
        storeUrl: templates.templateStoreUrl(undefined),
        report: (line) => this.out(line),
      })
      const existing = results.flatMap((r) => r.existing)
      if (existing.length > 0) throw templates.overwriteError(existing)
      return
    }
    const {DEFAULT_TEMPLATE_REPOSITORY} = await import('../../templates/repo.js')
    const repository = args.repository || process.env.OPENFAAS_TEMPLATE_URL || DEFAULT_TEMPLATE_REPOSITORY
    const result = await templates.pullTemplates(repository, {cwd, overwrite: flags.overwrite, debug: flags.debug})
    this.out(templates.wroteLine(result.written))
    if (result.existing.length > 0) throw templates.overwriteError(result.existing)
  }
}
