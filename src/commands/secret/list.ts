import {BaseCommand} from '../../base-command.js'
import {gatewayFlags, jsonFlag, namespaceFlag} from '../../flags.js'

export default class SecretList extends BaseCommand {
  static override hiddenAliases = ['secret:ls']
  static override summary = 'List all secrets'
  static override description = 'Lists the names of the secrets of a namespace (never their values).'
  static override examples = ['<%= config.bin %> secret list', '<%= config.bin %> secret ls -n staging -j']

  static override flags = {...gatewayFlags, ...namespaceFlag, ...jsonFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(SecretList)
    const client = await this.gatewayClient({tlsWarning: true, gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const {listSecrets} = await import('../../gateway/secrets.js')
    const secrets = await listSecrets(client, flags.namespace)
    if (flags.json) return this.printJson(secrets)
    // faas-cli's text, on stdout as faas-cli prints it (the list's answer, not a side note)
    if (secrets.length === 0) return this.out('No secrets found.')
    const {renderSecretList} = await import('../../gateway/render-secrets.js')
    process.stdout.write(renderSecretList(secrets))
  }
}
