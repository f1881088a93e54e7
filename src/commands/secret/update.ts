import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {gatewayFlags, namespaceFlag, secretValueFlags} from '../../flags.js'

export default class SecretUpdate extends BaseCommand {
  static override hiddenAliases = ['secret:u']
  static override summary = 'Update a secret'
  static override description = 'Replaces the value of an existing secret, from --from-literal, --from-file or stdin.'
  static override examples = ['<%= config.bin %> secret update api-key --from-literal "$NEW_KEY"', 'cat key.txt | <%= config.bin %> secret u api-key']

  static override args = {name: Args.string({description: 'Name of the secret'})}

  static override flags = {...gatewayFlags, ...namespaceFlag, ...secretValueFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(SecretUpdate)
    const {secretToWrite, updateSecret} = await import('../../gateway/secrets.js')
    const {name, value} = await secretToWrite({name: args.name, literal: flags['from-literal'], file: flags['from-file'], trim: flags.trim, prompt: (text) => this.note(text)})
    const client = await this.gatewayClient({tlsWarning: true, gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    this.note(`Updating secret: ${name}`)
    const result = await updateSecret(client, {name, namespace: flags.namespace, value})
    this.out(`Updated: ${result.statusLine}`)
  }
}
