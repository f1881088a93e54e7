import {BaseCommand} from '../../base-command.js'
import {storeFlags} from '../../store/flags.js'

export default class Store extends BaseCommand {
  static override summary = 'OpenFaaS function store commands'
  static override description = 'Subcommands: list (ls), describe (inspect), deploy. The index shipped with faas works offline; --url or OPENFAAS_STORE name another.'

  // faas-cli: persistent -u/--url and -p/--platform on the parent
  static override flags = {...storeFlags}

  async run(): Promise<void> {
    await this.parse(Store)
    await this.config.runCommand('help', ['store'])
  }
}
