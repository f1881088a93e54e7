import {Args, Flags} from '@oclif/core'

import {BaseCommand, FaasError} from '../base-command.js'
import {envsubstFlag, gatewayFlags, namespaceFlag} from '../flags.js'

export default class Remove extends BaseCommand {
  static override hiddenAliases = ['rm', 'delete']
  static override summary = 'Remove deployed OpenFaaS functions'
  static override description = 'Removes one function given by name, or every function of the stack file when no name is given.'
  static override examples = ['<%= config.bin %> remove figlet', '<%= config.bin %> remove -f stack.yaml', '<%= config.bin %> rm env -n staging']

  static override args = {
    name: Args.string({description: 'Name of the function to remove (default: every function of the stack file)'}),
  }

  static override flags = {
    ...gatewayFlags,
    ...namespaceFlag,
    ...envsubstFlag,
    parallel: Flags.integer({description: 'Functions removed at once', default: 10, min: 1}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Remove)
    const {removeFunctions, removeTargets} = await import('../gateway/remove.js')
    const {renderRemoveResult, removeFailure} = await import('../gateway/render-remove.js')
    // a name on the command line means the stack file is not read at all (faas-cli)
    const stack = args.name ? undefined : await this.loadStack(flags)
    const targets = args.name ? [{name: args.name, namespace: flags.namespace || undefined}] : stack ? removeTargets(stack, flags.namespace) : []
    if (targets.length === 0) {
      throw new FaasError('Please provide the name of a function to delete', {hint: 'Give the name (faas remove NAME), or run where stack.yaml is (or pass -f).'})
    }
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, stack, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const several = targets.length > 1
    const results = await removeFunctions(client, targets, {
      parallel: flags.parallel,
      onResult: (r) => {
        const text = renderRemoveResult(r, several)
        process.stdout.write(text.stdout)
        if (text.stderr) process.stderr.write(text.stderr)
      },
    })
    const failure = removeFailure(results)
    if (failure) throw failure
  }
}
