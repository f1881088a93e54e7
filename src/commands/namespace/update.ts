import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {gatewayFlags, stringArray} from '../../flags.js'

export default class NamespaceUpdate extends BaseCommand {
  static override hiddenAliases = ['ns:update']
  static override summary = 'Update a namespace'
  static override description = 'The provider must implement namespace management (OpenFaaS CE answers 501).'
  static override examples = ['<%= config.bin %> namespace update team-a --label team=a --annotation owner=alice']

  static override args = {name: Args.string({description: 'Name of the namespace', required: true})}
  static override flags = {
    ...gatewayFlags,
    label: stringArray('Label to set on the namespace (KEY=VALUE)', 'l'),
    annotation: stringArray('Annotation to set on the namespace (KEY=VALUE)'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(NamespaceUpdate)
    const {parseKeyValueFlags} = await import('../../stack/merge.js')
    const labels = parseKeyValueFlags(flags.label, '--label')
    const annotations = parseKeyValueFlags(flags.annotation, '--annotation')
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {updateNamespace} = await import('../../gateway/namespaces.js')
    this.note('Updating Namespace: ' + args.name)
    await updateNamespace(client, {name: args.name, labels, annotations})
    this.out('Namespace Updated: ' + args.name)
  }
}
