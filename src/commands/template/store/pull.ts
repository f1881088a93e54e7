import {Args} from '@oclif/core'

import {BaseCommand} from '../../../base-command.js'
import {templateStoreFlags} from '../../../templates/flags.js'

export default class TemplateStorePull extends BaseCommand {
  static override summary = 'Pull a template from the template store'
  static override description = 'Looks NAME up in the template store index and pulls that template from the repository its entry names, into ./template/NAME (or NAME@REF when pinned). Templates that ship with faas install without a download.'
  static override examples = [
    '<%= config.bin %> template store pull golang-middleware',
    '<%= config.bin %> template store pull node22@main',
    '<%= config.bin %> template store pull python3-http',
  ]

  static override args = {
    name: Args.string({description: 'Template name, optionally pinned as NAME@REF', required: true}),
  }

  static override flags = {...templateStoreFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(TemplateStorePull)
    const templates = await import('../../../templates/index.js')
    const result = await templates.pullFromStore(args.name, {
      cwd: process.cwd(),
      overwrite: flags.overwrite,
      debug: flags.debug,
      storeUrl: templates.templateStoreUrl(flags.url),
    })
    this.out(templates.wroteLine(result.written))
    if (result.existing.length > 0) throw templates.overwriteError(result.existing)
  }
}
