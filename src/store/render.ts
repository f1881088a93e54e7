/** Text for `store list` and `store describe`, in faas-cli's layout (spec §8); index text escaped. */
import {printable, printableLines} from '../ui/escape.js'
import {tabwrite} from '../ui/tabwriter.js'
import type {StoreFunction} from './index.js'

/** faas-cli's list shows the title, cut to 37 characters + `...` when longer than 40 (unless verbose). */
export function shortTitle(title: string, verbose: boolean): string {
  if (verbose || title.length <= 40) return title
  return `${title.slice(0, 37)}...`
}

export function renderStoreList(functions: readonly StoreFunction[], verbose: boolean): string {
  let text = '\nFUNCTION\tAUTHOR\tDESCRIPTION\n'
  for (const f of functions) text += `${printable(f.name)}\t${printable(f.author || 'unknown')}\t${printable(shortTitle(f.title ?? '', verbose))}\n`
  return tabwrite(text, {padding: 1}) + '\n'
}

function wrap(text: string, width = 80): string {
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = ''
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line)
        line = word
      } else {
        line = line ? `${line} ${word}` : word
      }
    }
    lines.push(line)
  }
  return lines.join('\n')
}

function mapSection(title: string, map: Record<string, string> | null | undefined): string {
  const keys = Object.keys(map ?? {}).sort()
  if (keys.length === 0) return ''
  return `${title}:\n${keys.map((k) => `- \t${printable(k)}:\t${printable(String(map![k]))}\n`).join('')}`
}

export function renderStoreFunction(f: StoreFunction, platform: string): string {
  const head = tabwrite([
    `Title:\t${printable(f.title ?? '')}`,
    `Author:\t${printable(f.author || 'unknown')}`,
  ].join('\n') + '\n', {padding: 1})
  // the description keeps its paragraphs (newlines); wrap() turns its tabs into spaces
  const description = `Description:\n${printableLines(wrap(f.description ?? ''))}\n`
  const tail = tabwrite([
    `Image:\t${printable(String(f.images[platform] ?? ''))}`,
    `Process:\t${printable(String(f.fprocess ?? ''))}`,
    `Repo URL:\t${printable(String(f.repo_url ?? ''))}`,
  ].join('\n') + '\n', {padding: 1})
  const sections = tabwrite(mapSection('Environment', f.environment) + mapSection('Labels', f.labels) + mapSection('Annotations', f.annotations), {padding: 1})
  return `\n${head}${description}${tail}${sections}\n`
}
