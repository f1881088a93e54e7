/** Flags every `template store` command takes (faas-cli's persistent flags on that topic). */
import {Flags} from '@oclif/core'

import {UPSTREAM_TEMPLATE_STORE_URL} from '../config/store-urls.js'

export const templateStoreUrlFlag = {
  url: Flags.string({
    char: 'u',
    description: 'Template store index URL; left at the default, OPENFAAS_TEMPLATE_STORE_URL is used when set, else the copy of the default index shipped with faas (works offline)',
    default: UPSTREAM_TEMPLATE_STORE_URL,
  }),
}

/** The persistent flags of faas-cli's `template store`. */
export const templateStorePullFlags = {
  overwrite: Flags.boolean({description: 'Overwrite existing templates', default: true, allowNo: true}),
  debug: Flags.boolean({description: 'Print the git commands and keep the temporary clone', default: false, allowNo: true}),
}

export const templateStoreFlags = {...templateStoreUrlFlag, ...templateStorePullFlags}
