import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {gatewayFlags, namespaceFlag} from '../../flags.js'

export default class SecretUpdate extends BaseCommand {
  static override hiddenAliases = ['secret:u']
  static override summary = 'Update a secret'
  static override description = 'Replaces the value of an existing secret, from --from-literal, --from-file or stdin.'
  static override examples = ['<%= config.bin %> secret update api-key --from-literal "$NEW_KEY"', 'cat key.txt | <%= config.bin %> secret u api-key']

  static override args = {name: Args.string({description: 'Name of the secret'})}

  static override flags = {
    ...gatewayFlags,
    ...namespaceFlag,
    'from-literal': Flags.string({description: 'Value of the secret'}),
    'from-file': Flags.string({description: 'Path to the secret file'}),
    trim: Flags.boolean({description: 'Trim whitespace from the start and end of the secret value', default: true, allowNo: true}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(SecretUpdate)
    const {readSecretValue, updateSecret, validateSecretName} = await import('../../gateway/secrets.js')
    const {readStdinBuffer} = await import('../../gateway/stdin.js')
    const name = validateSecretName(args.name)
    if (flags['from-literal'] === undefined && flags['from-file'] === undefined && process.stdin.isTTY) this.note('Reading from STDIN - hit (Control + D) to stop.')
    const value = await readSecretValue({literal: flags['from-literal'], file: flags['from-file'], trim: flags.trim, readStdin: readStdinBuffer})
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {insecureGatewayWarning} = await import('../../gateway/notes.js')
    const warning = insecureGatewayWarning(client.gateway, flags['tls-no-verify'])
    if (warning) this.note(warning)
    this.note(`Updating secret: ${name}`)
    const result = await updateSecret(client, {name, namespace: flags.namespace, value})
    this.out(`Updated: ${result.statusLine}`)
  }
}
