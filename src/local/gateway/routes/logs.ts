/**
 * /system/logs: a function's recent lines as NDJSON, and with follow=true the new ones as they
 * come. A follower that does not read is dropped once `logFollowerBufferBytes` wait for it (it
 * can reconnect with `since`, as `faas logs` does), so it can't make the gateway buffer without
 * limit.
 */
import type {LogMessage} from '../../../gateway/types.js'
import {parseRfc3339, rfc3339Nano} from '../../clock.js'
import {HttpError, lastValue, methodNotAllowed} from '../http.js'
import {checkName} from '../names.js'
import {namespaceParam, type RouteContext, type SystemRequest} from './context.js'

export function logsRoute(r: SystemRequest, ctx: RouteContext): void {
  const {req, res, method, query} = r
  if (method !== 'GET') return methodNotAllowed(req, res)
  req.resume()
  const nameText = lastValue(query, 'name')
  if (!nameText) throw new HttpError(400, 'name is required')
  const name = checkName('function', nameText)
  const ns = namespaceParam(query)
  const tailText = lastValue(query, 'tail')
  let tail: number | undefined
  if (tailText) {
    if (!/^-?\d{1,9}$/.test(tailText)) throw new HttpError(422, `invalid tail value: ${tailText.slice(0, 40)}`)
    tail = Number(tailText)
  }
  const sinceText = lastValue(query, 'since')
  let sinceNs: bigint | undefined
  if (sinceText) {
    sinceNs = parseRfc3339(sinceText)
    if (sinceNs === undefined) throw new HttpError(422, `invalid since value: ${sinceText.slice(0, 60)}`)
  }
  const followText = (lastValue(query, 'follow') ?? '').toLowerCase()
  const follow = followText === 'true' || followText === '1'
  const instance = lastValue(query, 'instance') || undefined
  const fn = ctx.registry.get(ns, name)
  if (!fn) throw new HttpError(404, `function ${name}.${ns} not found`)
  const line = (e: {time: bigint; instance: string; text: string}) => {
    const msg: LogMessage = {name, namespace: ns, instance: e.instance, timestamp: rfc3339Nano(e.time), text: e.text}
    return JSON.stringify(msg) + '\n'
  }
  res.writeHead(200, {'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-cache'})
  let backlog = ''
  for (const e of fn.logs.query({sinceNs, instance, tail})) backlog += line(e)
  if (backlog) res.write(backlog)
  if (!follow) {
    res.end()
    return
  }
  res.flushHeaders()
  // what waits unread beyond the backlog (itself bounded by the log store) is what counts
  const limit = ctx.limits.logFollowerBufferBytes + Buffer.byteLength(backlog)
  const unsubscribe = fn.logs.subscribe((e) => {
    if (instance && e.instance !== instance) return
    if (res.writableLength > limit) {
      // not reading: let it go rather than keep its lines
      unsubscribe()
      res.destroy()
      return
    }
    res.write(line(e))
  })
  const offClose = fn.logs.onClose(() => res.end())
  res.on('close', () => {
    unsubscribe()
    offClose()
  })
}
