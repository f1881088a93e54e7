import {BaseCommand} from '../base-command.js'
import {gatewayFlags, jsonFlag} from '../flags.js'

/** faas-cli's hidden, deprecated `namespaces`: the same as `namespace list`. */
export default class Namespaces extends BaseCommand {
  static override hidden = true
  static override summary = 'List OpenFaaS namespaces (deprecated: use "namespace list")'

  static override flags = {...gatewayFlags, ...jsonFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(Namespaces)
    this.note('Command "namespaces" is deprecated, This has moved to "faas-cli namespace list".')
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {listNamespaces, renderNamespaceList} = await import('../gateway/namespaces.js')
    const list = await listNamespaces(client)
    if (flags.json) return this.printJson(list)
    process.stdout.write(renderNamespaceList(list))
  }
}
