import {BaseCommand} from '../../base-command.js'

export default class Plugin extends BaseCommand {
  static override summary = 'Manage plugins'
  static override description = 'Plugins are programs in ~/.openfaas/plugins: "faas NAME" runs the plugin NAME. Subcommands: get.'

  async run(): Promise<void> {
    await this.parse(Plugin)
    // faas-cli prints just this line
    this.out('Run plugin get --help')
  }
}
