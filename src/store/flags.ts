/** The store commands' shared flags (faas-cli's persistent -u/--url and -p/--platform). */
import {Flags} from '@oclif/core'

export const storeFlags = {
  url: Flags.string({char: 'u', description: 'URL of the function store index (default: the index shipped with faas; or $OPENFAAS_STORE)', default: ''}),
  platform: Flags.string({char: 'p', description: 'Platform of the images: x86_64, arm64 or armhf (default: this machine\'s)', default: ''}),
}
