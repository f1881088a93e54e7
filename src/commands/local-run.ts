import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {builderFlags} from '../build/flags.js'
import {buildFlags, stringArray} from '../flags.js'

export default class LocalRun extends BaseCommand {
  static override summary = 'Build and run a function locally'
  static override description = `Builds one function of the stack file (unless --build=false) and runs it on this machine: in a container with docker or podman (like "docker run --rm -i -p 8080:8080 …"), or without containers on the host when no engine is installed (or with --builder host). It runs until Control+C. With one function in the stack the name may be left out.`
  static override examples = [
    '<%= config.bin %> local-run hello',
    '<%= config.bin %> local-run hello --port 0 --env MODE=dev',
    '<%= config.bin %> local-run hello --print',
    '<%= config.bin %> local-run --watch',
  ]

  static override args = {
    name: Args.string({description: 'Function(s) to run (may be left out when the stack has one function; several run behind one port in host mode)', required: false}),
  }

  // NAME… : host mode runs several functions behind gateway routes on one port
  static override strict = false

  static override flags = {
    ...buildFlags,
    ...builderFlags,
    print: Flags.boolean({description: 'Print the docker command instead of running it (after the build, unless --build=false)', default: false, allowNo: true}),
    build: Flags.boolean({description: 'Build the function before running it', default: true, allowNo: true}),
    port: Flags.integer({char: 'p', description: 'Port to expose the function on (0 picks a free port)', default: 8080}),
    network: Flags.string({description: 'Connect the function to this container network', default: ''}),
    env: stringArray('Extra environment variables (KEY=VALUE, or K1=V1,K2=V2)', 'e'),
    watch: Flags.boolean({description: 'Rebuild and restart the function when its files change', default: false, allowNo: true}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(LocalRun)
    const stack = await this.loadStack(flags)
    const {localRunCommand} = await import('../build/commands.js')
    const abort = new AbortController()
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort())
    await localRunCommand({cwd: process.cwd(), env: process.env, stream: process.stderr}, stack, argv as string[], flags, {
      signal: abort.signal,
      out: (text) => this.out(text),
      runOnHost: async (input) => (await import('../local/local-run.js')).runLocalFunctionsOnHost(input),
    })
  }
}
