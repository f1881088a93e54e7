/**
 * What the Prometheus metrics (issue 12) cost the embedded gateway: http-mode throughput of the
 * node20 sample function through two gateway processes, one without metrics (the code path of
 * before, which only counts invocations) and one with --metrics-port, side by side in quarters
 * ordered A B B A A B B A so a drift in machine load hits both alike (target: within 10%).
 * The metrics gateway is scraped after every quarter, as Prometheus would be.
 * Run directly: node dist/bench/metrics.js [--quick]
 */
import {promises as fs} from 'node:fs'
import type {ChildProcess} from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {buildNode20, cannon, type CannonResult, post, startGatewayProcess} from './local.js'
import type {Figure} from './util.js'

export async function benchMetrics(options: {durationS?: number; connections?: number; log?: (line: string) => void} = {}): Promise<Figure[]> {
  const quick = process.argv.includes('--quick')
  const duration = options.durationS ?? (quick ? 4 : 12)
  const connections = options.connections ?? 32
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'))
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'faas-bench-metrics-'))
  const indexPath = path.join(work, 'images', 'index.json')
  const env = {...process.env, FAAS_IMAGE_INDEX: indexPath}
  const children: ChildProcess[] = []
  try {
    await buildNode20(work, indexPath)
    const start = async (name: string, extra: Record<string, unknown>) => {
      const gw = await startGatewayProcess({port: 0, dataDir: path.join(work, name), imageIndexPath: indexPath, version: 'bench', ...extra}, env)
      children.push(gw.child)
      const status = await post(`${gw.url}/system/functions`, {service: 'hello', image: 'bench/hello:latest', labels: {}, annotations: {}})
      if (status !== 202) throw new Error(`deploy hello on ${name}: ${status}`)
      return gw
    }
    const plain = await start('plain', {})
    const metricsPort = await (await import('../src/util/ports.js')).freeLoopbackPort()
    const measured = await start('metrics', {metricsPort})
    const urls = {plain: `${plain.url}/function/hello`, metrics: `${measured.url}/function/hello`}
    const scrape = async () => {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
      const text = await res.text()
      return Number(/^gateway_function_invocation_total\{function_name="hello\.openfaas-fn",code="200"\} (\d+)$/m.exec(text)?.[1] ?? 0)
    }

    await cannon({url: urls.plain, connections, duration: 2})
    await cannon({url: urls.metrics, connections, duration: 2})
    log(`metrics overhead: http mode, ${duration}s at ${connections} connections per gateway, quarters A B B A A B B A`)
    const runs: Record<'plain' | 'metrics', CannonResult[]> = {plain: [], metrics: []}
    for (const side of ['plain', 'metrics', 'metrics', 'plain', 'plain', 'metrics', 'metrics', 'plain'] as const) {
      runs[side].push(await cannon({url: urls[side], connections, duration: duration / 4}))
      if (side === 'metrics') await scrape()
    }
    const rate = (side: 'plain' | 'metrics') => runs[side].reduce((n, r) => n + r.requests.total, 0) / duration
    const failed = [...runs.plain, ...runs.metrics].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0)
    const counted = await scrape()
    const served = runs.metrics.reduce((n, r) => n + r['2xx'], 0)
    const ratio = rate('metrics') / rate('plain')
    log(`  without metrics ${rate('plain').toFixed(0)} req/s, with metrics ${rate('metrics').toFixed(0)} req/s = ${ratio.toFixed(3)}x (failed ${failed})`)
    log(`  gateway_function_invocation_total ${counted} (autocannon's measured 2xx: ${served}, plus the warm-up)`)
    return [
      {name: `metrics: node20 via gateway without metrics, ${connections} conns`, value: Math.round(rate('plain')), unit: 'req/s'},
      {name: `metrics: node20 via gateway with metrics, ${connections} conns`, value: Math.round(rate('metrics')), unit: 'req/s'},
      {name: 'metrics: with / without metrics throughput', value: Number(ratio.toFixed(3)), unit: 'x', target: '>= 0.9x', ok: ratio >= 0.9 && failed === 0},
    ]
  } finally {
    for (const c of children) c.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 300))
    await fs.rm(work, {recursive: true, force: true})
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const f of await benchMetrics()) console.log(`${f.name}: ${f.value} ${f.unit}${f.target ? ` (target ${f.target})` : ''}`)
}
