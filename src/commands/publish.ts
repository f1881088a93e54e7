import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {engineFlag} from '../build/flags.js'
import {buildFlags, stringArray} from '../flags.js'

export default class Publish extends BaseCommand {
  static override summary = 'Build and push multi-arch OpenFaaS container images'
  static override description = 'Builds and pushes the image of every function in the stack file for one or more platforms in one step: docker buildx build --output=type=registry,push=true, or with --engine podman a manifest list pushed with podman manifest push --all. Needs a stack file.'
  static override examples = [
    '<%= config.bin %> publish -f stack.yaml --platforms linux/amd64,linux/arm64',
    '<%= config.bin %> publish --reset-qemu --extra-tag stable',
    '<%= config.bin %> publish --engine podman --platforms linux/amd64,linux/arm64',
  ]

  static override flags = {
    ...buildFlags,
    ...engineFlag,
    platforms: Flags.string({description: 'A set of platforms to publish', default: 'linux/amd64'}),
    'extra-tag': stringArray('Additional extra image tag'),
    'reset-qemu': Flags.boolean({description: 'Runs "docker run multiarch/qemu-user-static --reset -p yes" to enable multi-arch builds', default: false, allowNo: true}),
    'remote-builder': Flags.string({description: 'URL of an OpenFaaS Pro remote builder (not supported by faas)', hidden: true}),
    'payload-secret': Flags.string({description: 'Payload secret for the remote builder (not supported by faas)', hidden: true}),
    'builder-public-key': Flags.string({description: 'Public key of the remote builder (not supported by faas)', hidden: true}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Publish)
    const {rejectRemoteBuilder} = await import('../build/remote.js')
    rejectRemoteBuilder(flags['remote-builder'], process.env)
    const stack = await this.loadStack(flags)
    const {publishCommand} = await import('../build/commands.js')
    await publishCommand({cwd: process.cwd(), env: process.env, stream: process.stderr, out: process.stdout}, stack, flags)
  }
}
