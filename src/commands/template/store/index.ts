import {BaseCommand} from '../../../base-command.js'
import {templateStorePullFlags} from '../../../templates/flags.js'

export default class TemplateStore extends BaseCommand {
  static override summary = 'Browse and pull templates listed in the template store'
  static override description = 'Subcommands: list (ls), describe, pull.'
  static override examples = ['<%= config.bin %> template store list', '<%= config.bin %> template store pull golang-http']

  // faas-cli: persistent --overwrite and --debug on the parent
  static override flags = {...templateStorePullFlags}

  async run(): Promise<void> {
    await this.parse(TemplateStore)
    await this.config.runCommand('help', ['template:store'])
  }
}
