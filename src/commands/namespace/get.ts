import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {gatewayFlags, jsonFlag} from '../../flags.js'

export default class NamespaceGet extends BaseCommand {
  static override hiddenAliases = ['ns:get']
  static override summary = 'Show a namespace with its labels and annotations'
  static override examples = ['<%= config.bin %> namespace get openfaas-fn']

  static override args = {name: Args.string({description: 'Name of the namespace', required: true})}
  static override flags = {...gatewayFlags, ...jsonFlag}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(NamespaceGet)
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {getNamespace, renderNamespace} = await import('../../gateway/namespaces.js')
    const ns = await getNamespace(client, args.name)
    if (flags.json) return this.printJson(ns)
    process.stdout.write(renderNamespace(ns))
  }
}
