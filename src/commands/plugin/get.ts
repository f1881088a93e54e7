import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'

export default class PluginGet extends BaseCommand {
  static override summary = 'Get a plugin'
  static override description = `Downloads a plugin for faas-cli from a container registry (anonymously) and puts its files into the plugin folder; "faas NAME" then runs it.

The image is checked against its digests before anything is installed.`
  static override examples = [
    '<%= config.bin %> plugin get NAME',
    '<%= config.bin %> plugin get NAME --version 0.0.1',
    '<%= config.bin %> plugin get NAME --arch armhf --os linux',
    '<%= config.bin %> plugin get NAME --registry ghcr.io/openfaasltd',
  ]

  static override args = {name: Args.string({description: 'Name of the plugin'})}

  static override flags = {
    registry: Flags.string({description: 'The registry to pull the plugin from', default: 'ghcr.io/openfaasltd'}),
    arch: Flags.string({description: 'The architecture to pull the plugin for, give a value or leave blank for auto-detection', default: ''}),
    os: Flags.string({description: 'The OS to pull the plugin for, give a value or leave blank for auto-detection', default: ''}),
    version: Flags.string({description: 'Version or SHA for plugin', default: 'latest'}),
    path: Flags.string({description: 'The path for the plugin', default: '$HOME/.openfaas/plugins'}),
    verbose: Flags.boolean({char: 'v', description: 'Verbose output', default: false, allowNo: true}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(PluginGet)
    const started = performance.now()
    const {clientPlatform, getPlugin} = await import('../../plugins/get.js')
    const {GatewayClient} = await import('../../gateway/client.js')
    const {formatDuration} = await import('../../util/duration.js')
    const name = args.name ?? ''
    const pathGiven = this.flagGiven('path')
    if (name && flags.version) {
      const client = clientPlatform()
      const source = `${flags.registry}/${name}:${flags.version}`
      this.note(flags.verbose ? `Fetching plugin: ${name} ${source} for: ${flags.os || client.os}/${flags.arch || client.arch}` : `Fetching plugin: ${name}`)
    }
    const userAgent = `faas-cli/${this.config.version}`
    const result = await getPlugin(
      {name, registry: flags.registry, version: flags.version, os: flags.os, arch: flags.arch, path: pathGiven ? flags.path : undefined},
      async (baseUrl) => new GatewayClient({gateway: baseUrl, userAgent}),
    )
    if (flags.verbose) {
      this.note(`Pulled ${result.source} (${result.digest}, ${result.os}/${result.arch}): ${result.layers} layer(s), ${result.bytes} bytes, all digests verified`)
      for (const file of result.files) this.note(`Writing ${JSON.stringify(`${result.pluginDir}/${file}`)}`)
    }
    const elapsed = performance.now() - started
    const took = elapsed < 1 ? '<1ms' : formatDuration(Math.round(elapsed))
    if (pathGiven) this.out(`Wrote: ${result.pluginDir.replace(/\/+$/, '')}/${name} (${result.clientOs}/${result.clientArch}) in (${took})`)
    else this.out(`Downloaded in (${took})\n\nUsage:\n  faas-cli ${name}`)
  }
}
