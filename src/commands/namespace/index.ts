import {BaseCommand} from '../../base-command.js'

export default class Namespace extends BaseCommand {
  static override hiddenAliases = ['ns']
  static override summary = 'Manage OpenFaaS namespaces'
  static override description = 'Subcommands: list, get, create, update, remove.'
  static override examples = ['<%= config.bin %> namespace list', '<%= config.bin %> ns create team-a -l team=a']

  async run(): Promise<void> {
    await this.config.runCommand('help', ['namespace'])
  }
}
