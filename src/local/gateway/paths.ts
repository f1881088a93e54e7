/** Path rules of the gateway's function routes (spec §3.1); names are checked in names.ts. */

/** A path with `//`, `.` or `..` segments gets a 301 to its cleaned form, like Go's ServeMux. */
export function needsCleaning(p: string): boolean {
  return p.includes('//') || p.includes('/./') || p.includes('/../') || p.endsWith('/.') || p.endsWith('/..')
}

/** Go's path.Clean, keeping a trailing slash: the watchdog's rule, one implementation for both. */
export {cleanPath} from '../watchdog/cgi-env.js'

const PATH_SAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g

/**
 * Re-escapes a decoded path for the request line: the function gets the decoded path (so `%2F`
 * becomes `/`), but characters that can't appear in a path (`?`, `#`, `%`, spaces) stay escaped.
 */
export function escapePath(decoded: string): string {
  return decoded.replace(PATH_SAFE, (c) => encodeURIComponent(c))
}
