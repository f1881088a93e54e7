import {Flags} from '@oclif/core'

import {BaseCommand, FaasError} from '../base-command.js'
import {envsubstFlag, gatewayFlags, jsonFlag, tagFlag} from '../flags.js'

export default class Diff extends BaseCommand {
  static override summary = 'Compare the stack file with what is deployed'
  static override description = 'Shows, per function, the fields where the stack file and the deployed function differ. Exits 1 with "Differences found" when there are any, so CI can tell.'
  static override examples = ['<%= config.bin %> diff -f stack.yaml', '<%= config.bin %> diff --env all -j']

  static override flags = {
    ...gatewayFlags,
    namespace: Flags.string({char: 'n', description: 'Override the namespace of every function', default: ''}),
    ...envsubstFlag,
    ...tagFlag,
    env: Flags.string({description: 'Which environment variables, labels and other entries count: local (the stack\'s), remote (the deployment\'s) or all', default: 'local'}),
    ...jsonFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Diff)
    const {diffStack, parseDiffMode, renderDiff} = await import('../gateway/diff.js')
    const mode = parseDiffMode(flags.env)
    const stack = await this.loadStack(flags, {required: true})
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, stack, token: flags.token, tlsNoVerify: flags['tls-no-verify']})
    const diffs = await diffStack(client, stack!, {namespace: flags.namespace, tag: flags.tag, mode, cwd: process.cwd()})
    if (flags.json) this.printJson(diffs)
    else process.stdout.write(renderDiff(diffs))
    if (diffs.length) throw new FaasError('Differences found', {hint: 'Run "faas deploy" to bring the deployment in line with the stack file.'})
  }
}
