import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {engineFlag} from '../build/flags.js'
import {envsubstFlag, tagFlag} from '../flags.js'

export default class Push extends BaseCommand {
  static override summary = 'Push OpenFaaS functions to a container registry'
  static override description = 'Pushes the image of every function in the stack file with docker push (or podman push). Every image must name an account or registry (user/fn, ghcr.io/user/fn). For a plain-http registry with podman, set FAAS_PODMAN_TLS_VERIFY=false.'
  static override examples = [
    '<%= config.bin %> push -f stack.yaml',
    '<%= config.bin %> push --parallel 4 --tag sha',
    'FAAS_PODMAN_TLS_VERIFY=false <%= config.bin %> push --engine podman',
  ]

  static override flags = {
    parallel: Flags.integer({description: 'Push images in parallel to depth specified', default: 1}),
    ...tagFlag,
    ...envsubstFlag,
    quiet: Flags.boolean({description: 'Perform a quiet push, without showing output from the engine', default: false, allowNo: true}),
    ...engineFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Push)
    const stack = await this.loadStack(flags)
    const {pushCommand} = await import('../build/commands.js')
    await pushCommand({cwd: process.cwd(), env: process.env, stream: process.stderr}, stack, flags)
  }
}
