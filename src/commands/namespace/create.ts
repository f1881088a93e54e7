import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {gatewayFlags, namespaceMetadataFlags} from '../../flags.js'

export default class NamespaceCreate extends BaseCommand {
  static override hiddenAliases = ['ns:create']
  static override summary = 'Create a namespace'
  static override description = 'The provider must implement namespace management (OpenFaaS CE answers 501).'
  static override examples = ['<%= config.bin %> namespace create team-a --label team=a --annotation owner=alice']

  static override args = {name: Args.string({description: 'Name of the namespace', required: true})}
  static override flags = {...gatewayFlags, ...namespaceMetadataFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(NamespaceCreate)
    const {createNamespace, namespaceSpecFromFlags} = await import('../../gateway/namespaces.js')
    const spec = await namespaceSpecFromFlags(args.name, flags)
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    this.note('Creating Namespace: ' + args.name)
    await createNamespace(client, spec)
    this.out('Namespace Created: ' + args.name)
  }
}
