import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {envsubstFlag, gatewayFlags, namespaceFlag, stringArray} from '../flags.js'

export default class Invoke extends BaseCommand {
  static override summary = 'Invoke an OpenFaaS function'
  static override description = 'Sends stdin to the function as the request body and writes the answer to stdout, both streamed. Gateway credentials are never sent to the function.'
  static override examples = [
    'echo "Hello" | <%= config.bin %> invoke figlet',
    '<%= config.bin %> invoke env -m GET --query page=2 -H "X-Trace: 1" < /dev/null',
    'cat payload.json | <%= config.bin %> invoke webhook --sign X-Hub-Signature --key "$SECRET"',
    '<%= config.bin %> invoke slow --async -H "X-Callback-Url: http://cb.example.com/" < in.txt',
  ]

  static override args = {
    name: Args.string({description: 'Name of the function', required: true}),
  }

  static override flags = {
    name: Flags.string({description: 'Name of the function (ignored: give the name as the argument)', default: '', hidden: true}),
    ...namespaceFlag,
    gateway: gatewayFlags.gateway,
    'tls-no-verify': gatewayFlags['tls-no-verify'],
    'content-type': Flags.string({description: 'The content-type HTTP header such as application/json', default: 'text/plain'}),
    query: stringArray('pass HTTP request query parameters (key=value)'),
    header: stringArray('pass HTTP request headers ("Key: Value")', 'H'),
    auth: Flags.boolean({description: 'Authenticate with an OpenFaaS IAM token exchange', default: false, allowNo: true}),
    async: Flags.boolean({char: 'a', description: 'Invoke the function asynchronously', default: false, allowNo: true}),
    method: Flags.string({char: 'm', description: 'HTTP method: GET, POST, PUT, PATCH or DELETE', default: 'POST'}),
    sign: Flags.string({description: 'Name of the header that carries the HMAC-SHA256 signature of the body', default: ''}),
    key: Flags.string({description: 'Key for the --sign HMAC', default: ''}),
    ...envsubstFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Invoke)
    const {invokeFunction, validateInvoke} = await import('../gateway/invoke.js')
    // refuse bad flags before reading stdin or loading anything
    validateInvoke({method: flags.method, headers: flags.header, query: flags.query, sign: flags.sign, key: flags.key})
    const stack = await this.loadStack(flags)
    const {DEFAULT_FUNCTION_NAMESPACE} = await import('../config/gateway.js')
    const namespace = flags.namespace || stack?.functions.find((f) => f.name === args.name)?.namespace || DEFAULT_FUNCTION_NAMESPACE
    const client = await this.gatewayClient({gatewayFlag: flags.gateway, stack, tlsNoVerify: flags['tls-no-verify'], noAuth: true})
    let idToken: string | undefined
    if (flags.auth) {
      const {lookupAuth} = await import('../config/auth-config.js')
      idToken = (await lookupAuth(client.gateway))?.token
    }
    if (process.stdin.isTTY) this.note('Reading from STDIN - hit (Control + D) to stop.')
    const result = await invokeFunction(client, {
      name: args.name,
      namespace,
      method: flags.method,
      contentType: flags['content-type'],
      contentTypeGiven: this.flagGiven('content-type'),
      headers: flags.header,
      query: flags.query,
      async: flags.async,
      sign: flags.sign || undefined,
      key: flags.key || undefined,
      auth: flags.auth,
      idToken,
      userAgent: `faas-cli/${this.config.version} (openfaas; ${process.platform}; ${process.arch === 'x64' ? 'amd64' : process.arch})`,
      body: process.stdin,
      output: process.stdout,
      warn: (text) => this.note(`Warning: ${text}`),
    })
    if (result.async && result.status === 202) this.note(`Function submitted asynchronously.${result.callId ? ` Call ID: ${result.callId}` : ''}`)
  }
}
