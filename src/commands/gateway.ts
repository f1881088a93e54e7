import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import type {SandboxMode} from '../local/sandbox/index.js'

export default class Gateway extends BaseCommand {
  static override summary = 'Run a local OpenFaaS-compatible gateway (no Docker, no Kubernetes)'
  static override description = [
    'Serves the OpenFaaS provider API and the /function/<name> routes from processes on this machine,',
    'so "faas up", "faas deploy", "faas invoke", "faas logs", secrets and namespaces work without',
    'containers. Functions run what "faas build --builder host" recorded for their image.',
    'Deployed functions, secrets, namespaces, function logs and accepted asynchronous calls are kept in',
    '--data-dir and come back after a restart. Replicas follow the com.openfaas.scale.* labels (rps or',
    'capacity between min and max; scale.zero stops idle functions, the next call starts them again).',
    'Basic auth protects /system/* by default (the faas CLI on this machine finds the credentials by',
    'itself); functions run in a bubblewrap sandbox where bwrap works. Runs in the foreground until Ctrl-C.',
  ].join('\n')

  static override examples = [
    '<%= config.bin %> gateway',
    '<%= config.bin %> gateway --port 8081 --data-dir ./.faas-gateway',
    'FAAS_GATEWAY_PASSWORD=secret <%= config.bin %> gateway --host 0.0.0.0 --allow-host my-laptop.lan',
  ]

  static override flags = {
    port: Flags.integer({char: 'p', description: 'Port to listen on (0 = any free port)', default: 8080}),
    host: Flags.string({description: 'Address to listen on', default: '127.0.0.1'}),
    'data-dir': Flags.string({description: 'Where deployments, secrets and namespaces are kept (default: $XDG_DATA_HOME/faas/gateway, else ~/.local/share/faas/gateway)'}),
    'basic-auth': Flags.boolean({description: 'Require basic auth on /system/* and the portal (--basic-auth=false only on a loopback --host)', default: true, allowNo: true}),
    'basic-auth-user': Flags.string({description: 'User name for --basic-auth', default: 'admin', env: 'FAAS_GATEWAY_USER'}),
    'basic-auth-password': Flags.string({description: 'Password for --basic-auth (default: generated and kept in the data dir)', env: 'FAAS_GATEWAY_PASSWORD'}),
    sandbox: Flags.string({description: 'Where functions run: bubblewrap (fail without it), none, or auto (bubblewrap when it works)', default: 'auto', options: ['auto', 'bubblewrap', 'none']}),
    'allow-host': Flags.string({description: 'Another host name clients may use for this gateway (Host/Origin), besides loopback names and --host', multiple: true}),
    'max-body-size': Flags.string({description: 'Largest request body a function accepts before 413 (e.g. 10Mi; 0 = no limit); a function may set max_request_body', default: '64Mi'}),
    'async-concurrency': Flags.integer({description: 'Asynchronous calls run at the same time', default: 1, min: 1}),
    'metrics-port': Flags.integer({description: 'Port of the Prometheus metrics (/metrics) on the same --host, as OpenFaaS serves them (default: 8082 when it is free; 0 = no metrics)', min: 0, max: 65535}),
    'cron-async': Flags.boolean({description: 'Call cron functions (topic: cron-function) through /async-function/, like the cron-connector\'s asynchronous_invocation', default: false, allowNo: true}),
    autoscale: Flags.boolean({description: 'Scale functions with load between com.openfaas.scale.min and .max, and idle ones with com.openfaas.scale.zero=true to zero', default: true, allowNo: true}),
    quiet: Flags.boolean({char: 'q', description: 'Do not print gateway events', default: false, allowNo: true}),
    'function-logs': Flags.boolean({description: 'Also print what the functions write (always available with "faas logs")', default: false, allowNo: true}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Gateway)
    const {runGateway} = await import('../local/gateway/run.js')
    await runGateway({
      port: flags.port,
      host: flags.host,
      dataDir: flags['data-dir'],
      basicAuth: flags['basic-auth'],
      user: flags['basic-auth-user'],
      password: flags['basic-auth-password'],
      sandbox: flags.sandbox as SandboxMode,
      allowHosts: flags['allow-host'],
      maxBodySize: flags['max-body-size'],
      asyncConcurrency: flags['async-concurrency'],
      cronAsync: flags['cron-async'],
      autoscale: flags.autoscale,
      quiet: flags.quiet,
      functionLogs: flags['function-logs'],
      metricsPort: flags['metrics-port'],
      version: this.config.version,
    })
  }
}
