import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {gatewayFlags, namespaceFlag, secretValueFlags} from '../../flags.js'

export default class SecretCreate extends BaseCommand {
  static override summary = 'Create a new secret'
  static override description = 'Creates a secret from --from-literal, --from-file or stdin (exactly one of them).'
  static override examples = [
    '<%= config.bin %> secret create api-key --from-literal "$API_KEY"',
    '<%= config.bin %> secret create tls-cert --from-file ./cert.pem -n staging',
    'cat key.txt | <%= config.bin %> secret create api-key --replace',
  ]

  static override args = {name: Args.string({description: 'Name of the secret'})}

  static override flags = {
    ...gatewayFlags,
    ...namespaceFlag,
    ...secretValueFlags,
    replace: Flags.boolean({description: 'Update the secret when it already exists', default: false, allowNo: true}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(SecretCreate)
    const {createSecret, secretToWrite} = await import('../../gateway/secrets.js')
    const {name, value} = await secretToWrite({name: args.name, literal: flags['from-literal'], file: flags['from-file'], trim: flags.trim, prompt: (text) => this.note(text)})
    const client = await this.gatewayClient({tlsWarning: true, gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {qualifiedName} = await import('../../gateway/http.js')
    this.note(`Creating secret: ${qualifiedName(name, flags.namespace, true)}`)
    const result = await createSecret(client, {name, namespace: flags.namespace, value, replace: flags.replace, onExists: () => this.note(`Secret ${name} already exists, updating...`)})
    this.out(result.updated ? `Updated: ${result.statusLine}` : `Created: ${result.statusLine}`)
  }
}
