import {BaseCommand} from '../../base-command.js'

export default class Secret extends BaseCommand {
  static override summary = 'Manage function secrets'
  static override description = 'Subcommands: create, update (u), list (ls), remove (rm, delete), apply, generate (gen), keygen, seal, unseal.'

  async run(): Promise<void> {
    await this.parse(Secret)
    await this.config.runCommand('help', ['secret'])
  }
}
