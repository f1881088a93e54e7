import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'

export default class Watchdog extends BaseCommand {
  static override summary = 'Run a function behind the OpenFaaS watchdog (configured by environment variables)'
  static override description = [
    'A drop-in for of-watchdog and the classic watchdog, usable as a container entrypoint.',
    'It reads the same variables: fprocess, mode (http, streaming, serializing, static, classic),',
    'upstream_url, port, read_timeout, write_timeout, exec_timeout, max_inflight, content_type,',
    'prefix_logs, static_path, ready_path, suppress_lock, ... and answers /_/health and /_/ready.',
    'Prometheus metrics (http_requests_total, http_request_duration_seconds, http_requests_in_flight)',
    'are served on metrics_port (default 8081) at /metrics; a taken metrics port only skips them.',
    'Extra: max_request_body (e.g. 10Mi) answers 413 for larger request bodies.',
  ].join('\n')

  static override examples = [
    'fprocess="cat" mode=classic <%= config.bin %> watchdog',
    'mode=http fprocess="node index.js" upstream_url=http://127.0.0.1:3000 http_port=3000 port=8080 <%= config.bin %> watchdog',
  ]

  static override flags = {
    port: Flags.integer({char: 'p', description: 'Port to listen on (overrides the port variable)'}),
    host: Flags.string({description: 'Address to listen on', default: '0.0.0.0'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Watchdog)
    const {runWatchdog} = await import('../local/watchdog/run.js')
    process.exitCode = await runWatchdog({port: flags.port, host: flags.host})
  }
}
