import {Args} from '@oclif/core'

import {BaseCommand, FaasError} from '../base-command.js'

/** faas-cli's hidden, deprecated `bashcompletion FILENAME`: the bash script of `completion`, written to a file. */
export default class Bashcompletion extends BaseCommand {
  static override hidden = true
  static override summary = 'Generate a bash completion file (deprecated: use "completion --shell bash")'
  static override args = {filename: Args.string({description: 'File to write the bash completion script to'})}

  async run(): Promise<void> {
    const {args} = await this.parse(Bashcompletion)
    this.note('Command "bashcompletion" is deprecated, please use the "completion" command')
    if (!args.filename) throw new FaasError('please provide filename for bash completion', {hint: `Or print the script: ${this.config.bin} completion --shell bash`})
    const {completionScript} = await import('../ui/completion.js')
    const {writeFileAtomic} = await import('../fsutil.js')
    try {
      await writeFileAtomic(args.filename, completionScript('bash', this.config.commands), {mode: 0o644})
    } catch (error) {
      throw new FaasError('unable to create bash completion file', {hint: `${(error as Error).message}`, cause: error})
    }
  }
}
