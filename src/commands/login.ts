import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {duration, gatewayFlags} from '../flags.js'

export default class Login extends BaseCommand {
  static override summary = 'Log in to an OpenFaaS gateway'
  static override description = 'Checks basic-auth credentials against the gateway, then saves them in ~/.openfaas/config.yml (or $OPENFAAS_CONFIG, or ./.openfaas when CI=true).'
  static override examples = [
    'cat ~/faas_pass.txt | <%= config.bin %> login -u admin --password-stdin',
    '<%= config.bin %> login -g https://gw.example.com -u admin --password-stdin < pass.txt',
  ]

  static override flags = {
    gateway: gatewayFlags.gateway,
    'tls-no-verify': gatewayFlags['tls-no-verify'],
    username: Flags.string({char: 'u', description: 'Gateway username', default: 'admin'}),
    password: Flags.string({char: 'p', description: 'Gateway password (insecure: prefer --password-stdin)'}),
    'password-stdin': Flags.boolean({char: 's', description: 'Reads the gateway password from stdin', default: false, allowNo: true}),
    timeout: duration('Override the timeout for this API call', '5s'),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Login)
    const {readPassword, loginWithBasicAuth} = await import('../config/login.js')
    const {readAll} = await import('../util/stdin.js')
    const {password, warning} = await readPassword({
      username: flags.username,
      password: flags.password,
      passwordStdin: flags['password-stdin'],
      readStdin: () => readAll(process.stdin),
    })
    if (warning) this.note(warning)
    // login ignores the stack's provider.gateway (faas-cli: flag, then OPENFAAS_URL, then default)
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, tlsNoVerify: flags['tls-no-verify'], timeoutMs: flags.timeout, noAuth: true})
    const {isInsecureGateway, INSECURE_GATEWAY_WARNING} = await import('../config/gateway.js')
    if (isInsecureGateway(client.gateway) && !flags['tls-no-verify']) this.note(INSECURE_GATEWAY_WARNING)
    this.note('Calling the OpenFaaS server to validate the credentials...')
    await loginWithBasicAuth(client, flags.username, password)
    this.out(`credentials saved for ${flags.username} ${client.gateway}`)
  }
}
