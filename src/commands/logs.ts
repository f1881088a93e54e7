import {Args, Flags} from '@oclif/core'

import {BaseCommand, FaasError} from '../base-command.js'
import {duration, envsubstFlag, gatewayFlags, jsonFlag, namespaceFlag} from '../flags.js'

export default class Logs extends BaseCommand {
  static override summary = 'Fetch logs for a function'
  static override description = 'Streams the logs of a function from the gateway. With --tail (the default) it keeps following until Control+C: when the gateway cuts the stream after its timeout, it reconnects without losing or repeating a line; when the gateway ends it at once (it does not follow logs), it stops. --tail=false prints the logs and exits.'
  static override examples = [
    '<%= config.bin %> logs figlet',
    '<%= config.bin %> logs figlet --since 10m --tail=false',
    '<%= config.bin %> logs figlet -o json --lines 100',
    '<%= config.bin %> logs figlet --time-format "15:04:05" --instance',
  ]

  static override args = {
    name: Args.string({description: 'Name of the function'}),
  }

  static override flags = {
    gateway: gatewayFlags.gateway,
    ...namespaceFlag,
    'tls-no-verify': gatewayFlags['tls-no-verify'],
    token: gatewayFlags.token,
    since: duration('return logs newer than a relative duration like 5s', '0s'),
    'since-time': Flags.string({description: 'include logs since the given timestamp (RFC3339)'}),
    lines: Flags.integer({description: 'number of recent log lines to print; -1 for all', default: -1}),
    tail: Flags.boolean({char: 't', description: 'tail (follow) the logs', default: true, allowNo: true}),
    output: Flags.string({char: 'o', description: 'output logs as (plain|keyvalue|json), JSON includes all available keys', default: ''}),
    'time-format': Flags.string({description: 'string format for the timestamp: a Go layout or a named format (rfc3339, ansic, …); empty for none', default: '2006-01-02T15:04:05Z07:00'}),
    name: Flags.boolean({description: 'print the function name', default: false, allowNo: true}),
    instance: Flags.boolean({description: 'print the function instance name/id', default: false, allowNo: true}),
    ...jsonFlag,
    ...envsubstFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Logs)
    if (!args.name) throw new FaasError('Function name is required', {hint: 'For example: faas logs figlet'})
    const output = flags.json ? 'json' : flags.output || 'plain'
    if (output !== 'plain' && output !== 'keyvalue' && output !== 'json') {
      throw new FaasError(`invalid argument "${flags.output}" for "-o, --output" flag: must be one of plain, keyvalue, json`)
    }
    const {GATEWAY_CLOSED, sinceValue, streamLogs} = await import('../gateway/logs.js')
    const since = sinceValue(flags.since, flags['since-time'])
    const stack = await this.loadStack(flags)
    // an explicit -g wins over the stack here, even when it equals the default (faas-cli)
    const client = await this.gatewayClient({tlsWarning: true, gatewayFlag: flags.gateway, flagExplicit: this.flagGiven('gateway', 'g'), stack, token: flags.token, tlsNoVerify: flags['tls-no-verify'], timeoutMs: 0})
    const controller = new AbortController()
    const stop = () => controller.abort()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    try {
      const result = await streamLogs(
        client,
        {name: args.name, namespace: flags.namespace, follow: flags.tail, since, lines: flags.lines},
        {output, timeFormat: flags['time-format'], name: flags.name, instance: flags.instance},
        {
          out: process.stdout,
          signal: controller.signal,
          onReconnect: (info) => {
            if (info.reason !== GATEWAY_CLOSED) this.note(`Reconnecting to the log stream (${info.reason})`)
          },
        },
      )
      if (result.notFollowed) this.note('The gateway ended the log stream at once: it does not follow logs.')
    } finally {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
  }
}
