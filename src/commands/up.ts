import {Flags} from '@oclif/core'

import {BaseCommand, FaasError} from '../base-command.js'
import {builderFlags} from '../build/flags.js'
import {buildFlags, deployFlags} from '../flags.js'

export default class Up extends BaseCommand {
  static override summary = 'Build, push and deploy OpenFaaS functions'
  static override description = `Builds every function of the stack file, pushes the images and deploys them (or with --publish, builds and pushes multi-arch images in one step). Functions whose inputs did not change since their last build are not rebuilt. With --watch, it stays running and rebuilds and redeploys only the function whose folder changed (the stack file, handler folders; .gitignore rules apply).`
  static override examples = [
    '<%= config.bin %> up -f stack.yaml',
    '<%= config.bin %> up --skip-push --gateway http://127.0.0.1:8080',
    '<%= config.bin %> up --watch --filter api',
    '<%= config.bin %> up --publish --platforms linux/amd64,linux/arm64',
  ]

  // faas-cli: the union of build, push and deploy flags, the first definition winning
  static override flags = {
    ...deployFlags,
    ...buildFlags,
    ...builderFlags,
    publish: Flags.boolean({description: 'Use faas publish (buildx multi-arch build and push) instead of build and push', default: false, allowNo: true}),
    platforms: Flags.string({description: 'A set of platforms to publish (with --publish)', default: 'linux/amd64'}),
    'skip-push': Flags.boolean({description: 'Skip pushing function to remote registry', default: false, allowNo: true}),
    'skip-deploy': Flags.boolean({description: 'Skip function deployment', default: false, allowNo: true}),
    watch: Flags.boolean({description: 'Watch for changes in files and re-deploy', default: false, allowNo: true}),
    'remote-builder': Flags.string({description: 'URL of an OpenFaaS Pro remote builder (not supported by faas)', hidden: true}),
    'payload-secret': Flags.string({description: 'Payload secret for the remote builder (not supported by faas)', hidden: true}),
    'builder-public-key': Flags.string({description: 'Public key of the remote builder (not supported by faas)', hidden: true}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Up)
    if (this.flagGiven('platforms') && !flags.publish) throw new FaasError('--platforms can only be used with the --publish flag')
    const {upCommand} = await import('../build/commands.js')
    const {deployMode, deployAndReport} = await import('../gateway/deploy-run.js')
    const path = await import('node:path')
    const mode = deployMode(flags, this.flagGiven('update'))
    const stack = await this.loadStack(flags)
    const abort = new AbortController()
    if (flags.watch) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort())

    await upCommand({cwd: process.cwd(), env: process.env, stream: process.stderr, out: process.stdout}, stack, flags, {
      stackFile: stack && !/^[a-z]+:\/\//i.test(stack.source) && stack.source !== '-' ? path.resolve(stack.source) : undefined,
      signal: abort.signal,
      reloadStack: () => this.loadStack(flags),
      requireGateway: async () => {
        const {requireReachableGateway} = await import('../gateway/reachable.js')
        await requireReachableGateway(await this.gatewayUrl({gatewayFlag: flags.gateway, stack}))
      },
      targetRunsOnHost: async () => {
        const {isLocalRuntimeGateway} = await import('../gateway/info.js')
        return isLocalRuntimeGateway(await this.gatewayClient({gatewayFlag: flags.gateway, stack, token: flags.token, tlsNoVerify: flags['tls-no-verify']}))
      },
      deploy: async (current, functions) => {
        const client = await this.gatewayClient({gatewayFlag: flags.gateway, stack: current, token: flags.token, tlsNoVerify: flags['tls-no-verify'], timeoutMs: flags.timeout})
        await deployAndReport({client, stack: {...current, functions: [...functions]}, cwd: process.cwd(), flags, mode, write: {stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t)}})
      },
    })
  }
}
