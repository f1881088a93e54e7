import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {duration, envsubstFlag, gatewayFlags, namespaceFlag} from '../flags.js'

export default class Ready extends BaseCommand {
  static override summary = 'Wait for the gateway, or a function, to be ready'
  static override description = 'Polls the gateway\'s /healthz (or, with a NAME, the function\'s available replicas) until ready, up to --attempts times.'
  static override examples = ['<%= config.bin %> ready', '<%= config.bin %> ready figlet --attempts 120 --interval 500ms']

  static override args = {name: Args.string({description: 'Name of a function to wait for'})}

  static override flags = {
    gateway: gatewayFlags.gateway,
    'tls-no-verify': gatewayFlags['tls-no-verify'],
    token: gatewayFlags.token,
    ...namespaceFlag,
    attempts: Flags.integer({description: 'Number of attempts to check the gateway', default: 60, min: 1}),
    interval: duration('Interval between attempts', '1s'),
    ...envsubstFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Ready)
    const stack = await this.loadStack(flags)
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, stack, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {waitReady} = await import('../gateway/ready.js')
    const result = await waitReady(client, {name: args.name, namespace: flags.namespace, attempts: flags.attempts, intervalMs: flags.interval, log: (t) => this.note(t)})
    this.out(result.message)
  }
}
