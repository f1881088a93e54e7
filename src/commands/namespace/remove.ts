import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {gatewayFlags} from '../../flags.js'

export default class NamespaceRemove extends BaseCommand {
  static override hiddenAliases = ['namespace:rm', 'namespace:delete', 'ns:remove', 'ns:rm', 'ns:delete']
  static override summary = 'Remove a namespace'
  static override examples = ['<%= config.bin %> namespace remove team-a']

  static override args = {name: Args.string({description: 'Name of the namespace', required: true})}
  static override flags = {...gatewayFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(NamespaceRemove)
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {removeNamespace} = await import('../../gateway/namespaces.js')
    this.note(`Deleting Namespace: ${args.name}`)
    await removeNamespace(client, args.name)
    this.out(`Namespace Removed: ${args.name}`)
  }
}
