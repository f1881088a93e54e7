/** Flags every `template store` command takes (faas-cli's persistent flags on that topic). */
import {Flags} from '@oclif/core'

export const templateStoreFlags = {
  url: Flags.string({char: 'u', description: 'Template store index URL (else OPENFAAS_TEMPLATE_STORE_URL, else the index shipped with faas)', default: ''}),
  overwrite: Flags.boolean({description: 'Overwrite existing templates', default: true, allowNo: true}),
  debug: Flags.boolean({description: 'Print the git commands and keep the temporary clone', default: false, allowNo: true}),
}
