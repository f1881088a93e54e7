/**
 * POST /system/topic/<topic>: publish one event to every function subscribed to a topic. This
 * route is ours, not OpenFaaS's (README, "Event connectors"): it lets local tools do what an
 * event connector does, without writing one.
 *
 * Subscribers are the functions whose `topic` annotation, a comma-separated list, names the topic
 * (as connector-sdk reads it with the "," delimiter), in every namespace or in `?namespace=`.
 * Each is called through the gateway's own function route as a connector would call it: POST with
 * the event's body and Content-Type, X-Topic, X-Connector (the caller's, else `faas-topic`);
 * `?async=true` queues the calls on /async-function/ instead (X-Callback-Url is passed on).
 * The answer is a JSON summary: one entry per function with its status (and, for a synchronous
 * call, the start of its answer).
 *
 * Bounded: the event body (topicBodyBytes, else 413), the functions one event reaches
 * (topicMaxFunctions, else 400), calls at once (TOPIC_CONCURRENCY), the answer kept per function
 * (topicResultBytes) and each call's time (connectorCallTimeoutMs). Basic auth applies as on every
 * /system route; the JSON-writes admission rule does not (admission.ts): an event may be any
 * type, as a body sent to /function/<name> may, which needs no credentials at all.
 */
import {decodePath} from '../../watchdog/cgi-env.js'
import {subscribesTo} from '../../../util/cron-schedule.js'
import {HttpError, lastValue, methodNotAllowed, readLimited, sendJson} from '../http.js'
import {callFunctionThroughGateway, type SelfCallResult} from '../self-call.js'
import {existingNamespaceParam, type RouteContext, type SystemRequest} from './context.js'

export const TOPIC_PREFIX = '/system/topic/'
/** Calls of one event that run at the same time. */
const TOPIC_CONCURRENCY = 8

export interface TopicResult {
  name: string
  namespace: string
  status: number
  callId?: string
  durationSeconds: number
  /** The start of a synchronous call's answer, as UTF-8 text. */
  body?: string
  truncated?: boolean
  error?: string
}

export async function topicRoute(r: SystemRequest, ctx: RouteContext): Promise<void> {
  const {req, res, method, pathname, query} = r
  if (method !== 'POST') return methodNotAllowed(req, res)
  const topic = checkTopic(decodePath(pathname.slice(TOPIC_PREFIX.length)))
  const namespace = query.has('namespace') ? existingNamespaceParam(query, ctx.registry) : undefined
  const asyncValue = lastValue(query, 'async')
  const async = asyncValue === 'true' || asyncValue === '1'
  const limits = ctx.limits
  const body = await readLimited(req, limits.topicBodyBytes)
  if (body === undefined) throw new HttpError(413, `the event is larger than ${limits.topicBodyBytes} bytes, the most the topic route takes`, ['Connection', 'close'])

  const subscribers = [...ctx.registry.functions.values()]
    .filter((fn) => (namespace === undefined || fn.namespace === namespace) && subscribesTo(fn.deployment.annotations, topic))
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
  if (subscribers.length > limits.topicMaxFunctions) {
    throw new HttpError(400, `topic ${topic} has ${subscribers.length} subscribers, more than the ${limits.topicMaxFunctions} one event may reach`)
  }

  const headers: string[] = ['X-Topic', topic, 'X-Connector', headerValue(req.headers['x-connector']) ?? 'faas-topic']
  const passOn = (name: string) => {
    const v = headerValue(req.headers[name])
    if (v !== undefined) headers.push(name, v)
  }
  passOn('content-type')
  passOn('user-agent')
  if (async) passOn('x-callback-url')

  const results: TopicResult[] = new Array(subscribers.length)
  let nextIndex = 0
  const worker = async () => {
    while (nextIndex < subscribers.length) {
      const i = nextIndex++
      const fn = subscribers[i]
      const call = await callFunctionThroughGateway(ctx.self(), {
        name: fn.name,
        namespace: fn.namespace,
        async,
        headers,
        body,
        keepBytes: async ? 0 : limits.topicResultBytes,
        timeoutMs: limits.connectorCallTimeoutMs,
      })
      results[i] = summary(fn.name, fn.namespace, call, async)
    }
  }
  await Promise.all(Array.from({length: Math.min(TOPIC_CONCURRENCY, subscribers.length)}, worker))
  ctx.log(`topic ${topic}: event of ${body.length} bytes sent to ${subscribers.length} function(s)${async ? ' (async)' : ''}`)
  sendJson(res, 200, {topic, async, functions: results})
}

function summary(name: string, namespace: string, call: SelfCallResult, async: boolean): TopicResult {
  const out: TopicResult = {name, namespace, status: call.status, durationSeconds: Number((call.durationMs / 1000).toFixed(6))}
  if (call.callId) out.callId = call.callId
  if (!async && !call.error) out.body = call.body.toString('utf8')
  if (call.truncated) out.truncated = true
  if (call.error) out.error = call.error
  return out
}

function headerValue(v: string | string[] | undefined): string | undefined {
  if (typeof v === 'string') return v
  return undefined
}

/** A topic: what a `topic` annotation entry can be (no comma), printable, at most 200 characters. */
function checkTopic(topic: string): string {
  if (!topic) throw new HttpError(400, 'a topic is required: POST /system/topic/<topic>')
  if (topic.length > 200) throw new HttpError(400, 'the topic is longer than 200 characters')
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f,]/.test(topic) || topic.trim() !== topic) {
    throw new HttpError(400, 'invalid topic: it may not hold commas, control characters or surrounding spaces')
  }
  return topic
}
