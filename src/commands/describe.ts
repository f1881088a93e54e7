import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {envsubstFlag, gatewayFlags, jsonFlag, namespaceFlag} from '../flags.js'

export default class Describe extends BaseCommand {
  static override summary = 'Describe an OpenFaaS function'
  static override description = 'Shows the state of one deployed function: replicas, image, process, URLs, labels, annotations, environment, secrets, resources and usage.'
  static override examples = ['<%= config.bin %> describe figlet', '<%= config.bin %> describe env -n staging -j']

  static override args = {
    name: Args.string({description: 'Name of the function', required: true}),
  }

  static override flags = {
    ...gatewayFlags,
    ...namespaceFlag,
    ...envsubstFlag,
    name: Flags.string({description: 'Name of the function (ignored: give the name as the argument)', default: '', hidden: true}),
    verbose: Flags.boolean({char: 'v', description: 'Verbose output: show empty fields as <none>', default: false, allowNo: true}),
    ...jsonFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Describe)
    const stack = await this.loadStack(flags)
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, stack, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {describeFunction} = await import('../gateway/functions.js')
    const description = await describeFunction(client, args.name, flags.namespace)
    if (flags.json) return this.printJson(description)
    const {renderFunctionDescription} = await import('../gateway/render-functions.js')
    process.stdout.write(renderFunctionDescription(description, flags.verbose))
  }
}
