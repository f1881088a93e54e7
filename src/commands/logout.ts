import {BaseCommand} from '../base-command.js'
import {gatewayFlags} from '../flags.js'

export default class Logout extends BaseCommand {
  static override summary = 'Remove the saved credentials of a gateway'

  static override flags = {gateway: gatewayFlags.gateway}

  async run(): Promise<void> {
    const {flags} = await this.parse(Logout)
    const gateway = await this.gatewayUrl({gatewayFlag: flags.gateway})
    const {removeAuth} = await import('../config/auth-config.js')
    await removeAuth(gateway)
    this.out(`credentials removed for ${gateway}`)
  }
}
