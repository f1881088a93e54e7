import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {envsubstFlag, gatewayFlags, jsonFlag, namespaceFlag} from '../flags.js'

export default class List extends BaseCommand {
  static override hiddenAliases = ['ls']
  static override summary = 'List OpenFaaS functions'
  static override description = 'Lists the functions deployed in a namespace, with their invocation count and replicas.'
  static override examples = ['<%= config.bin %> list', '<%= config.bin %> list -v --sort invocations', '<%= config.bin %> list -n staging -j']

  static override flags = {
    ...gatewayFlags,
    ...namespaceFlag,
    ...envsubstFlag,
    quiet: Flags.boolean({char: 'q', description: 'Quiet mode - print out only the function\'s name', default: false, allowNo: true}),
    verbose: Flags.boolean({char: 'v', description: 'Verbose output for the function list', default: false, allowNo: true}),
    sort: Flags.string({description: 'Sort the functions by "name", "invocations" or "creation"', default: 'name'}),
    ...jsonFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(List)
    const stack = await this.loadStack(flags)
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, stack, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {listFunctions} = await import('../gateway/functions.js')
    const list = await listFunctions(client, {namespace: flags.namespace, sort: flags.sort})
    if (flags.json) return this.printJson(list)
    const {renderFunctionList} = await import('../gateway/render-functions.js')
    process.stdout.write(renderFunctionList(list, {verbose: flags.verbose, quiet: flags.quiet}))
  }
}
