import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'

export default class SecretKeygen extends BaseCommand {
  static override summary = 'Generate a keypair for sealing build secrets'
  static override description = 'Generates a Curve25519 keypair for "secret seal" and the pro-builder: the private key goes to --output (mode 0600), the public key to <output>.pub (0644).'
  static override examples = ['<%= config.bin %> secret keygen', '<%= config.bin %> secret keygen -o ./keys/mykey']

  static override flags = {
    output: Flags.string({char: 'o', description: 'Output path for the private key (public key gets .pub appended)', default: 'key'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(SecretKeygen)
    const {writeKeyPair} = await import('../../secrets/seal.js')
    const result = await writeKeyPair(flags.output)
    this.out(`Wrote private key: ${result.privateKeyFile}\nWrote public key:  ${result.publicKeyFile}\nKey ID:            ${result.keyId}`)
  }
}
