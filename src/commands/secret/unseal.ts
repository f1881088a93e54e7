import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {jsonFlag} from '../../flags.js'

export default class SecretUnseal extends BaseCommand {
  static override summary = 'Unseal and inspect a sealed secrets file'
  static override description = 'Decrypts a sealed secrets file with the private key and prints name=value lines (sorted by name), one value (--key, as is) or JSON (-j).'
  static override examples = [
    '<%= config.bin %> secret unseal key',
    '<%= config.bin %> secret unseal key --key pip_token',
    '<%= config.bin %> secret unseal key --in ./build/com.openfaas.secrets --json',
  ]

  static override args = {privateKeyFile: Args.string({description: 'File holding the private key', required: true})}

  static override flags = {
    in: Flags.string({description: 'Path to the sealed secrets file', default: 'com.openfaas.secrets'}),
    key: Flags.string({description: 'Unseal a single key (omit to print all)', default: ''}),
    ...jsonFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(SecretUnseal)
    const {unsealFile, renderUnsealedJson} = await import('../../secrets/seal.js')
    const values = await unsealFile(args.privateKeyFile, flags.in, flags.key || undefined)
    if (flags.json) return this.out(renderUnsealedJson(values))
    // values are bytes: written as they are (one value with --key, with no newline added)
    if (flags.key) return void process.stdout.write(values.get(flags.key)!)
    for (const [name, value] of values) process.stdout.write(Buffer.concat([Buffer.from(`${name}=`), value, Buffer.from('\n')]))
  }
}
