import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class PrintToken extends BaseCommand {
  static override hidden = true
  static override summary = 'Decode a JWT token file and print its header and payload'
  static override description = 'Prints {"header": …, "payload": …} as indented JSON. The signature is never printed.'
  static override examples = ['<%= config.bin %> print-token ./token.txt']

  static override args = {file: Args.string({description: 'File holding the JWT', required: true})}

  async run(): Promise<void> {
    const {args} = await this.parse(PrintToken)
    const {readJwtFile} = await import('../config/jwt.js')
    this.printJson(await readJwtFile(args.file))
  }
}
