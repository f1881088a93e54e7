import {BaseCommand} from '../../base-command.js'
import {gatewayFlags, jsonFlag} from '../../flags.js'

export default class NamespaceList extends BaseCommand {
  static override hiddenAliases = ['namespace:ls', 'ns:list', 'ns:ls']
  static override summary = 'List OpenFaaS namespaces'
  static override examples = ['<%= config.bin %> namespace list', '<%= config.bin %> ns ls -j']

  static override flags = {...gatewayFlags, ...jsonFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(NamespaceList)
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {listNamespaces, renderNamespaceList} = await import('../../gateway/namespaces.js')
    const list = await listNamespaces(client)
    if (flags.json) return this.printJson(list)
    process.stdout.write(renderNamespaceList(list))
  }
}
