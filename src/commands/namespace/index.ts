import {BaseCommand} from '../../base-command.js'
import {gatewayFlags} from '../../flags.js'

export default class Namespace extends BaseCommand {
  static override hiddenAliases = ['ns']
  static override summary = 'Manage OpenFaaS namespaces'
  static override description = 'Subcommands: list, get, create, update, remove.'
  static override examples = ['<%= config.bin %> namespace list', '<%= config.bin %> ns create team-a -l team=a']

  // faas-cli: persistent [GW] flags on the parent (accepted here, used by the subcommands)
  static override flags = {...gatewayFlags}

  async run(): Promise<void> {
    await this.parse(Namespace)
    await this.config.runCommand('help', ['namespace'])
  }
}
