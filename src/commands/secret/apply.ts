import {Flags} from '@oclif/core'

import {BaseCommand, FaasError} from '../../base-command.js'
import {gatewayFlags, namespaceFlag} from '../../flags.js'

export default class SecretApply extends BaseCommand {
  static override summary = 'Apply every secret file in ./.secrets'
  static override description = 'Creates (or re-creates) one secret per file in ./.secrets, named after the file.'
  static override examples = ['<%= config.bin %> secret apply', '<%= config.bin %> secret apply -n staging --trim=false']

  static override flags = {
    ...gatewayFlags,
    ...namespaceFlag,
    trim: Flags.boolean({description: 'Trim whitespace from the start and end of the secret values', default: true, allowNo: true}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(SecretApply)
    const client = await this.gatewayClient({tlsWarning: true, gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {applySecrets} = await import('../../gateway/secrets.js')
    const results = await applySecrets(client, {dir: '.secrets', namespace: flags.namespace, trim: flags.trim, log: (e) => this.note(e.text)})
    const failed = results.filter((r) => !r.ok)
    if (failed.length) throw new FaasError(`${failed.length} of ${results.length} secrets could not be applied: ${failed.map((r) => r.name).join(', ')}`)
    if (results.length) this.out(`Applied ${results.length} secret(s): ${results.map((r) => r.name).join(', ')}`)
  }
}
