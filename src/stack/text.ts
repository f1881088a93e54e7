/**
 * Error messages are rendered as one line (BaseCommand prints `Error: <message>`): user text
 * quoted in them (keys, names, values) must not break the line or carry terminal controls.
 */
const LINE_BREAKS = /[\r\n\v\f\u0085\u2028\u2029]+/g
// C0 controls (tab excepted) and DEL; line breaks are handled above
const CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f]/g

/** `text` made safe for a one-line message: line breaks → space, other controls → `?`. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, ' ').replace(CONTROLS, '?')
}
