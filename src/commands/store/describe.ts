import {Args} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {jsonFlag} from '../../flags.js'
import {storeFlags} from '../../store/flags.js'

export default class StoreDescribe extends BaseCommand {
  static override hiddenAliases = ['store:inspect']
  static override summary = 'Show the details of a store function'
  static override examples = ['<%= config.bin %> store describe figlet', '<%= config.bin %> store inspect NodeInfo -j']

  static override args = {name: Args.string({description: 'Name or title of the function', required: true})}
  static override flags = {...storeFlags, ...jsonFlag}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(StoreDescribe)
    const {findStoreFunction, loadFunctionStore, storePlatform} = await import('../../store/index.js')
    const platform = storePlatform(flags.platform)
    const {store} = await loadFunctionStore({url: this.flagGiven('url', 'u') ? flags.url : undefined, userAgent: `faas-cli/${this.config.version}`})
    const fn = findStoreFunction(store, args.name, platform)
    if (flags.json) return this.printJson(fn)
    const {renderStoreFunction} = await import('../../store/render.js')
    process.stdout.write(renderStoreFunction(fn, platform))
  }
}
