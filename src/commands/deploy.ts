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
    const {deployMode, runDeploy} = await import('../gateway/deploy-run.js')
    const {renderDeployResult, deployFailure} = await import('../gateway/render-deploy.js')
    const mode = deployMode(flags, this.flagGiven('update'))
    const stack = await this.loadStack(flags)
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, stack, token: flags.token, tlsNoVerify: flags['tls-no-verify'], timeoutMs: flags.timeout})
    const {insecureGatewayWarning} = await import('../gateway/notes.js')
    const warning = insecureGatewayWarning(client.gateway, flags['tls-no-verify'])
    if (warning) this.note(warning)
    const several = (stack?.functions.length ?? 0) > 1
    const {results} = await runDeploy({
      client,
      stack,
      cwd: process.cwd(),
      flags: {
        env: flags.env, label: flags.label, annotation: flags.annotation, secret: flags.secret, constraint: flags.constraint,
        readonly: flags.readonly, namespace: flags.namespace, tag: flags.tag, readTemplate: flags['read-template'],
        fprocess: flags.fprocess, image: flags.image, name: flags.name, lang: flags.lang,
        cpuRequest: flags['cpu-request'], cpuLimit: flags['cpu-limit'], memoryRequest: flags['memory-request'], memoryLimit: flags['memory-limit'],
      },
      options: {
        ...mode,
        parallel: flags.parallel,
        timeoutMs: flags.timeout,
        onResult: (result) => {
          const text = renderDeployResult(result, {stackMode: stack !== undefined && stack.functions.length > 0, several})
          if (text.stdout) process.stdout.write(text.stdout)
          if (text.stderr) process.stderr.write(text.stderr)
        },
      },
    })
    const failure = deployFailure(results)
    if (failure) throw failure
  }
}
