/** /ui: the OpenFaaS portal's place. The embedded gateway has no web UI; it says what to use instead. */
import type {IncomingMessage, ServerResponse} from 'node:http'
import {sendText} from '../watchdog/respond.js'

export function portalRoute(req: IncomingMessage, res: ServerResponse): void {
  req.resume()
  sendText(res, 200, 'This is the faas embedded gateway. It has no web UI: use "faas list", "faas invoke" and "faas logs".\n')
}
