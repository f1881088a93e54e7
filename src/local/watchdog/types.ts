/** Types shared by the watchdog modes and the embedded gateway that drives them in-process. */

/**
 * How platform failures are reported. `of-watchdog`: exactly like the Go watchdog (e.g. an
 * unreachable function gives an empty 500). `gateway`: the embedded gateway's clearer answers
 * (502 with a body saying what happened to the function process).
 */
export type ErrorStyle = 'of-watchdog' | 'gateway'

/** What the caller (standalone server or gateway) tells a mode about one request. */
export interface RequestContext {
  /** Path and raw query to send to the function, escaped (`/a/b?x=1`). */
  path: string
  /** Decoded path the function sees (`Http_Path`). */
  decodedPath: string
  /** Raw query without `?` (`Http_Query`). */
  query: string
  /** Extra request headers (raw name/value pairs) for the function. */
  requestHeaders?: string[]
  /** Extra response headers (raw pairs) for every answer, including errors. */
  responseHeaders?: string[]
  /** Content-Type to add when the function sends none (the gateway's rule). */
  defaultContentType?: string
}
