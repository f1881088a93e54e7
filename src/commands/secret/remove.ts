import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {gatewayFlags, namespaceFlag} from '../../flags.js'

export default class SecretRemove extends BaseCommand {
  static override hiddenAliases = ['secret:rm', 'secret:delete']
  static override summary = 'Remove a secret'
  static override examples = ['<%= config.bin %> secret remove api-key', '<%= config.bin %> secret rm api-key -n staging']

  static override args = {name: Args.string({description: 'Name of the secret'})}

  static override flags = {...gatewayFlags, ...namespaceFlag}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(SecretRemove)
    const {removeSecret, validateSecretName} = await import('../../gateway/secrets.js')
    const name = validateSecretName(args.name)
    const client = await this.gatewayClient({tlsWarning: true, gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    await removeSecret(client, name, flags.namespace)
    this.out('Removed.. OK.')
  }
}
