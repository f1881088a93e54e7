/**
 * Every bound of the embedded gateway in one place: how long a client may take, how many
 * connections it may hold, how much the gateway buffers for anyone. Nothing a caller or a
 * function does may make the gateway wait or grow without limit (see the security model in
 * design.md §5). Tests shorten the timeouts through GatewayOptions.limits.
 */
export interface GatewayLimits {
  /** A client must finish sending its request headers within this time (slow-loris). */
  headersTimeoutMs: number
  /** ... and its whole request (headers and body) within this time. */
  requestTimeoutMs: number
  /** How often node checks the two timeouts above. */
  timeoutCheckIntervalMs: number
  /** Idle keep-alive connections are closed after this long. */
  keepAliveTimeoutMs: number
  /**
   * Open connections at most. Past it, the connection that has waited longest without a request
   * in progress is closed to make room, so clients that never send a request can't lock others out.
   */
  maxConnections: number
  /** Connections the kernel queues before the gateway accepts them (capped by net.core.somaxconn). */
  acceptBacklog: number
  /** Largest JSON body of a /system/* request. */
  jsonBodyBytes: number
  /** Largest body of one asynchronous call (the NATS message limit of OpenFaaS). */
  asyncBodyBytes: number
  /** Queued asynchronous calls at most, and their bodies together at most; past either → 429. */
  asyncQueueLength: number
  asyncQueueBytes: number
  /** Largest answer of a function the async worker keeps to send to the callback URL. */
  asyncResultBytes: number
  /** A log follower that has this much unread is dropped (it can reconnect with `since`). */
  logFollowerBufferBytes: number
  /** Calls of a cron function from earlier runs that may still be going; past it a run is skipped. */
  cronMaxInflight: number
  /** A call made by cron or the topic route ends after this long without an answer. */
  connectorCallTimeoutMs: number
  /** Largest event body of POST /system/topic/<topic>. */
  topicBodyBytes: number
  /** Functions one event may reach at most (past it the event is refused). */
  topicMaxFunctions: number
  /** Answer bytes kept per function in the topic route's summary. */
  topicResultBytes: number
  /** Each function keeps its log lines on disk in two files of at most this size. */
  logFileBytes: number
}

export const LIMITS: Readonly<GatewayLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  timeoutCheckIntervalMs: 1_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 4096,
  acceptBacklog: 4096,
  jsonBodyBytes: 16 * 1024 * 1024,
  asyncBodyBytes: 256_000,
  asyncQueueLength: 1000,
  asyncQueueBytes: 32 * 1024 * 1024,
  asyncResultBytes: 16 * 1024 * 1024,
  logFollowerBufferBytes: 1024 * 1024,
  cronMaxInflight: 4,
  connectorCallTimeoutMs: 5 * 60_000,
  topicBodyBytes: 1024 * 1024,
  topicMaxFunctions: 100,
  topicResultBytes: 64 * 1024,
  logFileBytes: 2 * 1024 * 1024,
})

/** The defaults with the given overrides. */
export function gatewayLimits(overrides: Partial<GatewayLimits> = {}): GatewayLimits {
  return {...LIMITS, ...overrides}
}
