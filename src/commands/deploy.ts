import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {deployFlags} from '../flags.js'

export default class Deploy extends BaseCommand {
  static override summary = 'Deploy OpenFaaS functions'
  static override description = 'Deploys the functions of the stack file (or one function from --image and --name) through the gateway\'s REST API: a rolling update when the function exists, a create otherwise.'
  static override examples = [
    '<%= config.bin %> deploy -f stack.yaml',
    '<%= config.bin %> deploy -f stack.yaml --filter "api-*" --parallel 8',
    '<%= config.bin %> deploy --image ghcr.io/openfaas/figlet:latest --name figlet --fprocess figlet',
  ]

  static override flags = {
    ...deployFlags,
    parallel: Flags.integer({description: 'Functions deployed at once (faas-cli: one at a time)', default: 10, min: 1}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Deploy)
    const {deployMode, deployAndReport} = await import('../gateway/deploy-run.js')
    const mode = deployMode(flags, this.flagGiven('update'))
    const stack = await this.loadStack(flags)
    const client = await this.gatewayClient({tlsWarning: true, gatewayFlag: flags.gateway, stack, token: flags.token, tlsNoVerify: flags['tls-no-verify'], timeoutMs: flags.timeout})
    await deployAndReport({client, stack, cwd: process.cwd(), flags, mode, parallel: flags.parallel, write: {stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t)}})
  }
}
