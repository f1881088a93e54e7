import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {gatewayFlags, stringArray} from '../../flags.js'

export default class NamespaceCreate extends BaseCommand {
  static override hiddenAliases = ['ns:create']
  static override summary = 'Create a namespace'
  static override description = 'The provider must implement namespace management (OpenFaaS CE answers 501).'
  static override examples = ['<%= config.bin %> namespace create team-a --label team=a --annotation owner=alice']

  static override args = {name: Args.string({description: 'Name of the namespace', required: true})}
  static override flags = {
    ...gatewayFlags,
    label: stringArray('Label to set on the namespace (KEY=VALUE)', 'l'),
    annotation: stringArray('Annotation to set on the namespace (KEY=VALUE)'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(NamespaceCreate)
    const {parseKeyValueFlags} = await import('../../stack/merge.js')
    const labels = parseKeyValueFlags(flags.label, '--label')
    const annotations = parseKeyValueFlags(flags.annotation, '--annotation')
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {createNamespace} = await import('../../gateway/namespaces.js')
    this.note('Creating Namespace: ' + args.name)
    await createNamespace(client, {name: args.name, labels, annotations})
    this.out('Namespace Created: ' + args.name)
  }
}
