import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {duration, gatewayFlags, namespaceFlag, stringArray} from '../../flags.js'
import {storeFlags} from '../../store/flags.js'

export default class StoreDeploy extends BaseCommand {
  static override summary = 'Deploy a function from the store'
  static override description = 'Deploys the store function\'s image for the platform, with its process, environment, labels and annotations; flags add to them and win.'
  static override examples = ['<%= config.bin %> store deploy figlet', '<%= config.bin %> store deploy nodeinfo --name info -n staging --label team=a']

  static override args = {name: Args.string({description: 'Name or title of the store function', required: true})}

  static override flags = {
    ...storeFlags,
    ...gatewayFlags,
    ...namespaceFlag,
    name: Flags.string({description: 'Name of the deployed function (default: the store name)', default: ''}),
    env: stringArray('Set one or more environment variables (ENVVAR=VALUE)', 'e'),
    label: stringArray('Set one or more label (LABEL=VALUE)', 'l'),
    annotation: stringArray('Set one or more annotation (ANNOTATION=VALUE)'),
    replace: Flags.boolean({description: 'Remove and re-create the existing function', default: false, allowNo: true}),
    update: Flags.boolean({description: 'Perform a rolling update on the existing function', default: true, allowNo: true}),
    constraint: stringArray('Apply a constraint to the function'),
    secret: stringArray('Give the function access to a secure secret'),
    timeout: duration('Timeout for any HTTP calls made to the OpenFaaS API', '1m0s'),
    'cpu-request': Flags.string({description: 'Supply the CPU request for the function in Mi', default: ''}),
    'cpu-limit': Flags.string({description: 'Supply the CPU limit for the function in Mi', default: ''}),
    'memory-request': Flags.string({description: 'Supply the memory request for the function in Mi', default: ''}),
    'memory-limit': Flags.string({description: 'Supply the memory limit for the function in Mi', default: ''}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(StoreDeploy)
    const {deployMode} = await import('../../gateway/deploy-run.js')
    const mode = deployMode(flags, this.flagGiven('update'))
    const {findStoreFunction, loadFunctionStore, storePlatform} = await import('../../store/index.js')
    const {storeDeployment} = await import('../../store/deploy.js')
    const platform = storePlatform(flags.platform)
    const {store} = await loadFunctionStore({url: this.flagGiven('url', 'u') ? flags.url : undefined, userAgent: `faas-cli/${this.config.version}`, tlsNoVerify: flags['tls-no-verify']})
    const spec = await storeDeployment(findStoreFunction(store, args.name, platform), platform, {
      name: flags.name, namespace: flags.namespace, env: flags.env, label: flags.label, annotation: flags.annotation, constraint: flags.constraint, secret: flags.secret,
      cpuRequest: flags['cpu-request'], cpuLimit: flags['cpu-limit'], memoryRequest: flags['memory-request'], memoryLimit: flags['memory-limit'],
    })
    // store deploy ignores the stack's gateway (flag, then OPENFAAS_URL, then the default)
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, token: flags.token, tlsNoVerify: flags['tls-no-verify'], timeoutMs: flags.timeout})
    const {deployFunctions} = await import('../../gateway/deploy.js')
    const {deployFailure, renderDeployResult} = await import('../../gateway/render-deploy.js')
    const results = await deployFunctions(client, [spec], {...mode, timeoutMs: flags.timeout, onResult: (r) => {
      const text = renderDeployResult(r, {stackMode: false, several: false})
      process.stdout.write(text.stdout)
      process.stderr.write(text.stderr)
    }})
    const failure = deployFailure(results)
    if (failure) throw failure
  }
}
