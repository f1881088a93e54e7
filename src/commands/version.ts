import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {envsubstFlag, gatewayFlags, jsonFlag} from '../flags.js'

export default class Version extends BaseCommand {
  static override summary = 'Display the CLI version and, when reachable, the gateway and provider versions'
  static override description = 'Never checks for updates online unless --warn-update is given explicitly, so it works offline and in CI.'

  static override flags = {
    ...gatewayFlags,
    ...envsubstFlag,
    ...jsonFlag,
    'short-version': Flags.boolean({description: 'Just print the CLI version', default: false, allowNo: true}),
    'warn-update': Flags.boolean({description: 'Check online for a newer version (only when given explicitly)', default: true, allowNo: true}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Version)
    const {buildInfo} = await import('../util/package-root.js')
    const cli = buildInfo()
    if (flags['short-version']) {
      this.out(cli.version)
      return
    }
    const stack = await this.loadStack(flags)
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, stack, token: flags.token, tlsNoVerify: flags['tls-no-verify'], timeoutMs: 5000})
    const {fetchGatewayInfo} = await import('../gateway/info.js')
    const {versionReport, renderVersion} = await import('../ui/version.js')
    // an unreachable gateway leaves its section out (faas-cli does so in text mode), and is
    // null in JSON: `version` answers offline and in CI
    const info = await fetchGatewayInfo(client).catch(() => undefined)
    const report = versionReport(cli, client.gateway, info)
    if (flags.json) this.printJson(report)
    else this.out(renderVersion(report))

    if (flags['warn-update'] && this.flagGiven('warn-update')) {
      const {checkForUpdate} = await import('../util/update-check.js')
      const notice = await checkForUpdate(cli.version)
      if (notice) this.note(notice)
    }
  }
}
