import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'

export default class SecretGenerate extends BaseCommand {
  static override hiddenAliases = ['secret:gen']
  static override summary = 'Generate a random secret'
  static override description = 'Prints (or writes to --output) a random secret: --length random bytes, base64-encoded.'
  static override examples = ['<%= config.bin %> secret generate', '<%= config.bin %> secret gen --length 64 -o .secrets/api-key']

  static override flags = {
    length: Flags.integer({description: 'Number of random bytes in the secret', default: 32, min: 1}),
    output: Flags.string({char: 'o', description: 'Write the secret to this file (mode 0600) instead of stdout'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(SecretGenerate)
    const {generateSecret} = await import('../../gateway/secrets.js')
    const secret = generateSecret(flags.length)
    if (!flags.output) return this.out(secret)
    const {writeFileAtomic} = await import('../../fsutil.js')
    await writeFileAtomic(flags.output, secret, {mode: 0o600})
    this.note(`Wrote secret to ${flags.output}`)
  }
}
