/**
 * Child process for the local benchmarks: runs the embedded gateway on its own (so its CPU and
 * memory are measured apart from the load generator) and prints `READY <url>` once listening.
 * Usage: node dist/bench/local-gateway.js '<json GatewayOptions>'
 */
import {startGateway} from '../src/local/gateway/server.js'

const options = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof startGateway>[0]
const gw = await startGateway(options)
process.stdout.write(`READY ${gw.url}\n`)
const stop = () => {
  void gw.close().then(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
