/**
 * `faas watchdog` as a process: configuration from the environment, the function on `port`,
 * and the signals of a container entrypoint. SIGTERM runs of-watchdog's shutdown sequence
 * (lock file removed, wait healthcheck_interval, drain for up to write_timeout); SIGINT stops
 * at once. A function process that dies with an error in http mode ends the watchdog with
 * exit code 1, so the container restarts.
 */
import {goLogTimestamp} from '../clock.js'
import {startWatchdogServer} from './server.js'

export interface RunWatchdogOptions {
  env?: NodeJS.ProcessEnv
  /** Overrides the `port` variable. */
  port?: number
  host?: string
}

/** Runs until a signal or a fatal function exit; resolves with the process exit code. */
export async function runWatchdog(opts: RunWatchdogOptions = {}): Promise<number> {
  let finish!: (code: number) => void
  const done = new Promise<number>((r) => (finish = r))
  const log = (text: string) => process.stderr.write(`${goLogTimestamp()} ${text}\n`)
  // The function can fail (e.g. a missing binary) before the server is up: stop once it is.
  let fatal = false
  let stopOnFatal = () => {}
  const wd = await startWatchdogServer({
    env: opts.env ?? process.env,
    port: opts.port,
    host: opts.host,
    onFatal: (info) => {
      log(`function process exited (${info.error ?? (info.signal ? `signal ${info.signal}` : `exit code ${info.code}`)}); stopping`)
      fatal = true
      stopOnFatal()
    },
  })
  // calls in flight get their (500) answer before the watchdog goes
  stopOnFatal = () => void wd.close({graceMs: 500}).then(() => finish(1))
  if (fatal) stopOnFatal()
  const c = wd.config
  log(`faas watchdog: mode=${c.mode} fprocess=${JSON.stringify(c.fprocess)}${c.upstreamUrl ? ` upstream=${c.upstreamUrl}` : ''} listening on ${wd.url}`)
  if (wd.metricsUrl) log(`metrics on ${wd.metricsUrl}`)
  log(`timeouts: read=${c.readTimeoutMs}ms write=${c.writeTimeoutMs}ms exec=${c.execTimeoutMs}ms max_inflight=${c.maxInflight}`)
  const onTerm = () => {
    log(`SIGTERM: draining (healthcheck_interval ${c.healthcheckIntervalMs}ms, then up to ${c.writeTimeoutMs}ms for requests in flight)`)
    void wd.shutdown().then(() => finish(0))
  }
  const onInt = () => void wd.close().then(() => finish(130))
  process.once('SIGTERM', onTerm)
  process.once('SIGINT', onInt)
  const code = await done
  process.off('SIGTERM', onTerm)
  process.off('SIGINT', onInt)
  return code
}
