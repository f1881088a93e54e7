/** Text for `secret list`: faas-cli's tabwriter table with one NAME column. */
import {printable} from '../ui/escape.js'
import {tabwrite} from '../ui/tabwriter.js'
import type {Secret} from './types.js'

export function renderSecretList(secrets: readonly Secret[]): string {
  return tabwrite(`\nNAME\n${secrets.map((s) => `${printable(s.name)}\n`).join('')}\n`, {padding: 1})
}
