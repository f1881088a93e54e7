import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../base-command.js'
import {jsonFlag} from '../../../flags.js'
import {templateStoreFlags} from '../../../templates/flags.js'

export default class TemplateStoreList extends BaseCommand {
  static override aliases = ['template:store:ls']
  static override summary = 'List the templates of the template store'
  static override description = 'Lists the template store index: by default the one that ships with faas (works offline), else --url or OPENFAAS_TEMPLATE_STORE_URL. Recommended templates come first.'
  static override examples = [
    '<%= config.bin %> template store list',
    '<%= config.bin %> template store list --recommended --verbose',
    '<%= config.bin %> template store list --url https://raw.githubusercontent.com/openfaas/store/master/templates.json',
  ]

  static override flags = {
    ...templateStoreFlags,
    verbose: Flags.boolean({char: 'v', description: 'Show the language and platform of each template', default: false, allowNo: true}),
    platform: Flags.string({char: 'p', description: 'Only templates for this platform', default: 'x86_64'}),
    recommended: Flags.boolean({char: 'r', description: 'Only recommended templates', default: false, allowNo: true}),
    official: Flags.boolean({char: 'o', description: 'Only official templates', default: false, allowNo: true}),
    ...jsonFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(TemplateStoreList)
    const {filterTemplates, loadTemplateStore, sortTemplates, templateStoreUrl} = await import('../../../templates/store.js')
    const store = await loadTemplateStore(templateStoreUrl(flags.url))
    const templates = sortTemplates(filterTemplates(store.templates, {platform: flags.platform, recommended: flags.recommended, official: flags.official}))
    if (flags.json) return this.printJson(templates)
    if (templates.length === 0) {
      this.note(`No templates found for platform ${flags.platform}${flags.recommended ? ' (recommended)' : ''}${flags.official ? ' (official)' : ''}.`)
      return
    }
    const {renderTemplateTable} = await import('../../../templates/render.js')
    process.stdout.write(renderTemplateTable(templates, flags.verbose))
  }
}
