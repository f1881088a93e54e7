/**
 * Text for the template store commands (data on stdout; the command decides text or JSON),
 * laid out with Go's tabwriter rules like faas-cli (min width 0, padding 1).
 */
import type {TemplateInfo} from './store.js'

import {printable} from '../ui/escape.js'
import {tabwrite} from '../ui/tabwriter.js'

const mark = (on: boolean | undefined) => (on ? '[x]' : '[ ]')

/**
 * The `template store list` table. Each header names the column under it: faas-cli prints
 * NAME RECOMMENDED DESCRIPTION SOURCE over rows of name, recommended, *source, description*
 * (spec §10 quirk); here the rows follow the header. No rows print nothing.
 */
export function renderTemplateTable(templates: TemplateInfo[], verbose: boolean): string {
  if (templates.length === 0) return ''
  const rows = verbose
    ? [['NAME', 'RECOMMENDED', 'SOURCE', 'DESCRIPTION', 'LANGUAGE', 'PLATFORM'],
      ...templates.map((t) => [t.template, mark(t.recommended), t.source, t.description, t.language, t.platform])]
    : [['NAME', 'RECOMMENDED', 'DESCRIPTION', 'SOURCE'],
      ...templates.map((t) => [t.template, mark(t.recommended), t.description, t.source])]
  return table(rows)
}

/** Rows as a tabwriter table; the index's text escaped cell by cell. */
function table(rows: string[][]): string {
  return tabwrite(`\n${rows.map((r) => r.map((cell) => printable(cell)).join('\t')).join('\n')}\n\n`, {padding: 1})
}

/** `template store describe` text. */
export function renderTemplateDescription(t: TemplateInfo): string {
  const rows = [
    ['Name:', t.template],
    ['Description:', t.description],
    ['Language:', t.language],
    ['Source:', t.source],
    ['Repository:', t.repo],
    ['Platform:', t.platform],
    ['Official:', mark(t.official === 'true')],
    ['Recommended:', mark(t.recommended)],
  ]
  return table(rows)
}
