import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {stringArray} from '../../flags.js'

export default class SecretSeal extends BaseCommand {
  static override summary = 'Seal build secrets into an encrypted file'
  static override description = 'Seals key/value pairs with a public key (from "secret keygen"). Names stay readable, each value is encrypted on its own; the file (mode 0600) can go into a build or into git.'
  static override examples = [
    '<%= config.bin %> secret seal key.pub --from-literal pip_token=s3cr3t --from-literal npm_token=tok123',
    '<%= config.bin %> secret seal key.pub --from-file ca.crt=./certs/ca.crt -o ./build/com.openfaas.secrets',
  ]

  static override args = {publicKeyFile: Args.string({description: 'File holding the public key', required: true})}

  static override flags = {
    output: Flags.string({char: 'o', description: 'Output file path', default: 'com.openfaas.secrets'}),
    'from-literal': stringArray('Literal secret in key=value format (can be repeated)'),
    'from-file': stringArray('Secret from file in key=path format (can be repeated)'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(SecretSeal)
    const {sealToFile} = await import('../../secrets/seal.js')
    const result = await sealToFile({publicKeyFile: args.publicKeyFile, literals: flags['from-literal'], files: flags['from-file'], output: flags.output})
    this.out(`Sealed ${result.count} secret(s) to ${result.output} (key ID: ${result.keyId})`)
  }
}
