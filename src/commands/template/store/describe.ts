import {Args} from '@oclif/core'

import {BaseCommand, FaasError} from '../../../base-command.js'
import {jsonFlag} from '../../../flags.js'
import {templateStoreFlags} from '../../../templates/flags.js'

export default class TemplateStoreDescribe extends BaseCommand {
  static override summary = 'Describe a template of the template store'
  static override examples = ['<%= config.bin %> template store describe golang-middleware', '<%= config.bin %> template store describe node20 -j']

  static override args = {
    name: Args.string({description: 'Template name (or source/name)', required: true}),
  }

  static override flags = {...templateStoreFlags, ...jsonFlag}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(TemplateStoreDescribe)
    const {findTemplate, loadTemplateStore, templateStoreUrl} = await import('../../../templates/store.js')
    const store = await loadTemplateStore(templateStoreUrl(flags.url))
    const info = findTemplate(store.templates, args.name)
    if (!info) {
      throw new FaasError(`Template with name: \`${args.name}\` does not exist in the store`, {hint: 'See the templates with "faas template store list".'})
    }
    if (flags.json) return this.printJson(info)
    const {renderTemplateDescription} = await import('../../../templates/render.js')
    process.stdout.write(renderTemplateDescription(info))
  }
}
