/**
 * Text that comes from elsewhere (a gateway, a store index, a template repository) is escaped
 * before it is printed for people: a control character in a function name or an error body
 * would otherwise reach the terminal raw, and ESC sequences can move the cursor, rewrite or hide
 * what was printed, set the window title or, on some terminals, feed input back. Control
 * characters are shown visibly instead (`\x1b`, `\x9b`, `\n`), and so are the Unicode bidi
 * overrides that make text display in another order than it reads.
 *
 * Always in human output, on a terminal or not (simplest, and a log file holds what the screen
 * showed); never in --json output, which stays the exact data (JSON escapes these itself).
 */

// C0 controls, DEL, C1 controls, bidi embeddings/overrides (U+202A–U+202E) and isolates (U+2066–U+2069)
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
// the same, but tab and newline pass: for messages whose layout is ours
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

const NAMED: Record<string, string> = {'\n': '\\n', '\t': '\\t', '\r': '\\r'}

function visible(c: string): string {
  const named = NAMED[c]
  if (named) return named
  const code = c.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

function escapeWith(pattern: RegExp, text: string): string {
  pattern.lastIndex = 0
  if (!pattern.test(text)) return text
  pattern.lastIndex = 0
  return text.replace(pattern, visible)
}

/** One cell or value (a name, an image, a label): every control character escaped, tab and newline too. */
export function printable(text: string): string {
  return escapeWith(ANY_CONTROL, text)
}

/** A message or block of lines: control characters escaped, but tab and newline kept. */
export function printableLines(text: string): string {
  return escapeWith(CONTROL_BUT_LAYOUT, text)
}
