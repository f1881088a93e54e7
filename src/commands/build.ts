import {BaseCommand} from '../base-command.js'
import {builderFlags} from '../build/flags.js'
import {buildFlags} from '../flags.js'

export default class Build extends BaseCommand {
  static override summary = 'Build OpenFaaS function containers'
  static override description = `Builds the image of every function in the stack file (or of one function given with --image, --handler, --name and --lang) with docker or podman, after writing its build context to ./build/<function>/. Missing templates are pulled first. A function whose inputs have not changed since its last successful build of the same image is not rebuilt ("up to date"); --no-cache or --force rebuild it.`
  static override examples = [
    '<%= config.bin %> build -f stack.yaml',
    '<%= config.bin %> build --parallel 4 --tag sha',
    '<%= config.bin %> build --image ghcr.io/me/fn:0.1 --handler ./fn --name fn --lang node20',
    '<%= config.bin %> build --engine podman --build-arg NPM_VERSION=10 --build-option dev',
    '<%= config.bin %> build --shrinkwrap',
  ]

  static override flags = {...buildFlags, ...builderFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(Build)
    const stack = await this.loadStack(flags)
    const {buildCommand} = await import('../build/commands.js')
    await buildCommand({cwd: process.cwd(), env: process.env, stream: process.stderr, out: process.stdout}, stack, flags)
  }
}
