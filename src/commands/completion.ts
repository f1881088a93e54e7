import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class Completion extends BaseCommand {
  static override summary = 'Generate a shell completion script'
  static override description = 'Prints a completion script for bash or zsh that completes commands, aliases and flags of faas and faas-cli, and values: function names of the stack file (invoke, logs, describe, remove, ready, local-run, --filter), languages for new --lang (./template and the templates that ship with faas) and templates for template store pull/describe.'
  static override examples = [
    'source <(<%= config.bin %> completion --shell bash)',
    '<%= config.bin %> completion --shell bash > /etc/bash_completion.d/faas',
    '<%= config.bin %> completion --shell zsh > "${fpath[1]}/_faas"',
  ]

  static override flags = {
    shell: Flags.string({description: 'Outputs shell completion, must be bash or zsh', options: ['bash', 'zsh'], required: true}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Completion)
    const {completionScript} = await import('../ui/completion.js')
    process.stdout.write(completionScript(flags.shell as 'bash' | 'zsh', this.config.commands))
  }
}
