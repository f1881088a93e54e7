import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {envsubstFlag, stringArray, tagFlag} from '../flags.js'

export default class Generate extends BaseCommand {
  static override summary = 'Generate Kubernetes manifests for OpenFaaS functions'
  static override description = 'Prints a Function custom resource (openfaas.com/v1) or a Knative Service (serving.knative.dev/v1) for every function of the stack file, or for one function of the function store (--from-store), as YAML on stdout.'
  static override examples = [
    '<%= config.bin %> generate -f stack.yaml > functions.yaml',
    '<%= config.bin %> generate --api serving.knative.dev/v1 -n fns',
    '<%= config.bin %> generate --from-store figlet --arch arm64',
  ]

  static override flags = {
    api: Flags.string({description: 'CRD API version: openfaas.com/v1 or serving.knative.dev/v1', default: 'openfaas.com/v1'}),
    namespace: Flags.string({char: 'n', description: 'Kubernetes namespace for the functions', default: 'openfaas-fn'}),
    ...tagFlag,
    ...envsubstFlag,
    'from-store': Flags.string({description: 'Generate using a function from the function store'}),
    name: Flags.string({description: 'Name for the function from the store (default: its store name)', default: ''}),
    arch: Flags.string({description: 'Architecture of the store image: x86_64, arm64 or armhf', default: 'x86_64'}),
    annotation: stringArray('Add an annotation to the store function (KEY=VALUE)'),
    label: stringArray('Add a label to the store function (KEY=VALUE)'),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Generate)
    const stack = flags['from-store'] ? undefined : await this.loadStack(flags)
    const {generateCommand} = await import('../build/commands.js')
    const {loadStoreFunctions} = await import('../build/store.js')
    this.out(await generateCommand({cwd: process.cwd(), loadStore: loadStoreFunctions}, stack, flags))
  }
}
