import {BaseCommand} from '../../base-command.js'

export default class Chart extends BaseCommand {
  static override summary = 'Helm chart commands'
  static override description = 'Export and manage OpenFaaS Helm charts. Subcommands: export.'

  async run(): Promise<void> {
    await this.parse(Chart)
    await this.config.runCommand('help', ['chart'])
  }
}
