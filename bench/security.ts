/**
 * Figures of the embedded gateway's bounds (issue 9), against `faas gateway` started with its
 * defaults, as in test/security (whose attack helpers this uses):
 *  - 2,000 clients holding half-sent headers: /healthz latency meanwhile (target < 100 ms) and the
 *    share of those connections the gateway closed within 30 s (target >= 90%);
 *  - 20,000 of them: the slowest /healthz meanwhile (other callers are not stopped);
 *  - a log follower that never reads while a function writes 60 MB: gateway RSS growth (< 50 MB),
 *    beside the same logs with no follower.
 * Run directly: node dist/bench/security.js
 */
import {request} from '../test/local/helpers.js'
import {deploy, floodConnections, halfOpen, memoryOf, registerImage, startTestGateway, timedHealthz, unreadLogFollower} from '../test/security/helpers.js'
import {type Figure, median} from './util.js'

const MiB = 1024 * 1024

export async function benchSecurity(): Promise<Figure[]> {
  const figures: Figure[] = []
  const gw = await startTestGateway()
  try {
    // 1. slow clients
    const started = Date.now()
    const attack = await halfOpen(gw.url, 2000)
    const during: number[] = []
    for (let i = 0; i < 20; i++) during.push(await timedHealthz(gw.url))
    let closedAt30 = 0
    let ninetyAt = -1
    while (Date.now() - started < 30_000) {
      if (ninetyAt < 0 && attack.closedByServer() >= 1800) ninetyAt = Date.now() - started
      if (attack.closedByServer() >= 2000) break
      await new Promise((r) => setTimeout(r, 100))
    }
    closedAt30 = attack.closedByServer()
    for (const s of attack.sockets) s.destroy()
    figures.push(
      {name: 'security: /healthz p50 while 2,000 half-open connections', value: round(median(during)), unit: 'ms', target: '< 100', ok: median(during) < 100},
      {name: 'security: /healthz slowest of 20 meanwhile', value: round(Math.max(...during)), unit: 'ms'},
      {name: 'security: half-open connections closed by the gateway in 30 s', value: round((closedAt30 / 2000) * 100), unit: '%', target: '>= 90', ok: closedAt30 >= 1800},
      {name: 'security: time until 90% of them were closed', value: ninetyAt < 0 ? -1 : round(ninetyAt / 1000), unit: 's'},
    )

    // 2. a flood of 20,000
    const flood = await floodConnections(gw.url, 20_000)
    const slowest: number[] = []
    const floodStart = Date.now()
    while (flood.opened() < 20_000 && Date.now() - floodStart < 60_000) slowest.push(await timedHealthz(gw.url))
    for (let i = 0; i < 10; i++) slowest.push(await timedHealthz(gw.url))
    flood.stop()
    figures.push(
      {name: 'security: connections opened by the flood', value: flood.opened(), unit: 'conn'},
      {name: 'security: /healthz slowest during the 20,000-connection flood', value: round(Math.max(...slowest)), unit: 'ms', target: 'answered', ok: true},
      {name: 'security: /healthz median during the flood', value: round(median(slowest)), unit: 'ms'},
    )

    // 3. a log follower that never reads, against the same 60 MB without one (after a warm-up,
    // so the heap the log pipeline needs anyway is counted in neither)
    await registerImage(gw, 'loud:latest', {mode: 'http', run: `${process.execPath} upstream.cjs`, port_env: 'http_port'})
    if ((await deploy(gw, 'loud', 'loud:latest')).status !== 202) throw new Error('deploy failed')
    const writeLogs = async (mb: number) => {
      for (let i = 0; i < mb; i++) await request(`${gw.url}/function/loud/flood/1000`)
    }
    await writeLogs(10)
    const growth = async (follow: boolean) => {
      const follower = follow ? await unreadLogFollower(gw, 'loud') : undefined
      const before = memoryOf(gw.child.pid!)
      await writeLogs(60)
      const after = memoryOf(gw.child.pid!)
      follower?.destroy()
      return {peak: after.peak - before.rss, rss: after.rss - before.rss}
    }
    const alone = await growth(false)
    const followed = await growth(true)
    figures.push(
      {name: 'security: gateway RSS growth, 60 MB of logs, no follower', value: round(alone.rss / MiB), unit: 'MB'},
      {name: 'security: gateway RSS growth, 60 MB of logs, a follower that never reads', value: round(followed.rss / MiB), unit: 'MB', target: '< 50', ok: followed.rss < 50 * MiB},
      {name: 'security: ... its peak (VmHWM) over the RSS before', value: round(followed.peak / MiB), unit: 'MB'},
    )
  } finally {
    await gw.stop()
  }
  return figures
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}

if (process.argv[1]?.endsWith('security.js')) {
  for (const f of await benchSecurity()) console.log(`${f.name.padEnd(70)} ${String(f.value).padStart(8)} ${f.unit}${f.target ? `  target ${f.target}` : ''}`)
}
