import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {gatewayFlags, namespaceMetadataFlags} from '../../flags.js'

export default class NamespaceUpdate extends BaseCommand {
  static override hiddenAliases = ['ns:update']
  static override summary = 'Update a namespace'
  static override description = 'The provider must implement namespace management (OpenFaaS CE answers 501).'
  static override examples = ['<%= config.bin %> namespace update team-a --label team=a --annotation owner=alice']

  static override args = {name: Args.string({description: 'Name of the namespace', required: true})}
  static override flags = {...gatewayFlags, ...namespaceMetadataFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(NamespaceUpdate)
    const {updateNamespace, namespaceSpecFromFlags} = await import('../../gateway/namespaces.js')
    const spec = await namespaceSpecFromFlags(args.name, flags)
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    this.note('Updating Namespace: ' + args.name)
    await updateNamespace(client, spec)
    this.out('Namespace Updated: ' + args.name)
  }
}
