/** The characters Go's encoding/json escapes that JSON.stringify leaves as they are. */
const GO_JSON_ESCAPES: Record<string, string> = {'<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029'}

/** JSON text with Go's HTML-safe escapes, so it is byte for byte what a Go tool prints. */
export function goJsonEscape(json: string): string {
  return /[<>&\u2028\u2029]/.test(json) ? json.replace(/[<>&\u2028\u2029]/g, (c) => GO_JSON_ESCAPES[c]) : json
}
