/** The store commands' shared flags (faas-cli's persistent -u/--url and -p/--platform). */
import {Flags} from '@oclif/core'

import {UPSTREAM_FUNCTION_STORE_URL} from '../config/store-urls.js'

export const storeFlags = {
  url: Flags.string({
    char: 'u',
    description: 'URL of the function store index; when not given, $OPENFAAS_STORE, else the copy of the default index shipped with faas (works offline)',
    default: UPSTREAM_FUNCTION_STORE_URL,
  }),
  platform: Flags.string({char: 'p', description: 'Platform of the images: x86_64, arm64 or armhf (default: this machine\'s)', default: ''}),
}
