/**
 * Go's text/tabwriter, which faas-cli uses for its tables and descriptions, so our columns line
 * up the same way: cells end at a tab; a column's width is its widest cell (in the block of
 * consecutive lines that have that column) plus `padding`, at least `minWidth`; the last cell of
 * a line is not part of any column. With `tabIndent`, leading empty cells are written as tabs.
 */
export interface TabwriterOptions {
  minWidth?: number
  padding?: number
  padChar?: string
  tabIndent?: boolean
}

export function tabwrite(text: string, options: TabwriterOptions = {}): string {
  const minWidth = options.minWidth ?? 0
  const padding = options.padding ?? 1
  const padChar = options.padChar ?? ' '
  const endsWithNewline = text.endsWith('\n')
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'))
  // widths[line][col] for every terminated cell
  const widths: number[][] = lines.map(() => [])

  const format = (line0: number, line1: number, col: number): void => {
    let i = line0
    while (i < line1) {
      if (lines[i].length - 1 <= col) {
        i++
        continue
      }
      // a block: consecutive lines that have a terminated cell in this column
      const start = i
      let width = minWidth
      let allEmpty = true
      while (i < line1 && lines[i].length - 1 > col) {
        const w = displayWidth(lines[i][col]) + padding
        if (lines[i][col] !== '') allEmpty = false
        if (w > width) width = w
        i++
      }
      if (allEmpty && options.tabIndent) width = 0
      for (let k = start; k < i; k++) widths[k][col] = width
      format(start, i, col + 1)
    }
  }
  format(0, lines.length, 0)

  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const cells = lines[i]
    let line = ''
    let leading = true
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c]
      if (c === cells.length - 1) {
        line += cell
        break
      }
      if (leading && cell === '' && options.tabIndent) {
        line += '\t'
        continue
      }
      leading = false
      const pad = widths[i][c] - displayWidth(cell)
      line += cell + (pad > 0 ? padChar.repeat(pad) : '')
    }
    out.push(line)
  }
  return out.join('\n') + (endsWithNewline ? '\n' : '')
}

/** Width in terminal columns, counting code points (Go's tabwriter counts runes). */
function displayWidth(s: string): number {
  // fast path for ASCII
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s.length
  return [...s].length
}
