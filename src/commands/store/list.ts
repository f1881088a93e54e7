import {Flags} from '@oclif/core'

import {BaseCommand, FaasError} from '../../base-command.js'
import {jsonFlag} from '../../flags.js'
import {storeFlags} from '../../store/flags.js'

export default class StoreList extends BaseCommand {
  static override hiddenAliases = ['store:ls']
  static override summary = 'List the functions of the store'
  static override description = 'Lists the store functions that have an image for the platform. The index shipped with faas is used unless --url or OPENFAAS_STORE names another.'
  static override examples = ['<%= config.bin %> store list', '<%= config.bin %> store ls -p arm64 --verbose=false', '<%= config.bin %> store list -u https://example.com/functions.json -j']

  static override flags = {
    ...storeFlags,
    verbose: Flags.boolean({char: 'v', description: 'Show the full titles', default: true, allowNo: true}),
    ...jsonFlag,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(StoreList)
    const {functionsForPlatform, loadFunctionStore, storePlatform, storePlatforms} = await import('../../store/index.js')
    const platform = storePlatform(flags.platform)
    const {store} = await loadFunctionStore({url: this.flagGiven('url', 'u') ? flags.url : undefined, userAgent: `faas-cli/${this.config.version}`})
    const functions = functionsForPlatform(store, platform)
    if (flags.json) return this.printJson(functions)
    if (functions.length === 0) {
      throw new FaasError(`No functions found in the store for platform '${platform}', try one of the following: ${storePlatforms(store).join(', ')}`, {hint: 'Pass -p <platform>.'})
    }
    const {renderStoreList} = await import('../../store/render.js')
    process.stdout.write(renderStoreList(functions, flags.verbose))
  }
}
