import {BaseCommand} from '../../base-command.js'

export default class Store extends BaseCommand {
  static override summary = 'OpenFaaS function store commands'
  static override description = 'Subcommands: list (ls), describe (inspect), deploy. The index shipped with faas works offline; --url or OPENFAAS_STORE name another.'

  async run(): Promise<void> {
    await this.config.runCommand('help', ['store'])
  }
}
