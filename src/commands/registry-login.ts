import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class RegistryLogin extends BaseCommand {
  static override summary = 'Generate a registry auth file for OpenFaaS builders'
  static override description = 'Writes ./credentials/config.json: a docker config with basic credentials for --server, or with --ecr the Amazon ECR credential helper for the account and region.'
  static override examples = [
    'echo $TOKEN | <%= config.bin %> registry-login -u me --password-stdin --server ghcr.io',
    '<%= config.bin %> registry-login --ecr --account-id 123456789012 --region eu-west-1',
  ]

  static override flags = {
    server: Flags.string({description: 'The registry server', default: 'https://index.docker.io/v1/'}),
    username: Flags.string({char: 'u', description: 'The registry username', default: ''}),
    password: Flags.string({description: 'The registry password (insecure: prefer --password-stdin)', default: ''}),
    'password-stdin': Flags.boolean({char: 's', description: 'Read the password from stdin', default: false, allowNo: true}),
    ecr: Flags.boolean({description: 'Use the Amazon ECR credential helper', default: false, allowNo: true}),
    'account-id': Flags.string({description: 'AWS account id (with --ecr)', default: ''}),
    region: Flags.string({description: 'AWS region (with --ecr)', default: ''}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(RegistryLogin)
    const {registryLoginCommand} = await import('../build/registry-login.js')
    const {readAll} = await import('../util/stdin.js')
    const written = await registryLoginCommand({
      cwd: process.cwd(),
      server: flags.server,
      username: flags.username,
      password: flags.password,
      passwordStdin: flags['password-stdin'],
      ecr: flags.ecr,
      accountId: flags['account-id'],
      region: flags.region,
      readStdin: () => readAll(process.stdin),
      warn: (text) => this.note(text),
    })
    this.note(`\nWrote ${written}..OK`)
  }
}
