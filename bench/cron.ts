/**
 * The built-in cron on a real `faas gateway` process, as a user runs it: a function deployed with
 * `faas deploy --annotation topic=cron-function --annotation schedule="*\/1 * * * *"` must be called
 * within 75 s of the deploy and once a minute after that, read from the invocation counter of
 * /system/functions (basic auth), with no other process started. Takes about 3 to 4 minutes, so
 * it is not in the default `npm run bench` set: `npm run build && node dist/bench/cron.js [calls]`.
 */
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'

import {normaliseImageRef, recordImage} from '../src/local/image-index.js'
import {freeLoopbackPort} from '../src/util/ports.js'
import {binPath, type Figure} from './util.js'

const FUNCTION_SCRIPT = `require('node:http').createServer((q, s) => s.end('tick')).listen(Number(process.env.http_port), '127.0.0.1')\n`

function get(url: string, auth: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, {headers: {Authorization: auth}, agent: false}, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve(text))
    }).on('error', reject)
  })
}

export async function benchCron(calls = 3): Promise<Figure[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'faas-bench-cron-'))
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: path.join(root, 'home'),
    XDG_DATA_HOME: path.join(root, 'data'),
    XDG_CACHE_HOME: path.join(root, 'cache'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    FAAS_IMAGE_INDEX: path.join(root, 'index.json'),
    LANG: 'C.UTF-8',
  }
  const fnDir = path.join(root, 'fn')
  spawnSync('mkdir', ['-p', fnDir, env.HOME!])
  writeFileSync(path.join(fnDir, 'server.cjs'), FUNCTION_SCRIPT)
  await recordImage(
    {image: normaliseImageRef('bench/tick:latest'), dir: fnDir, digest: 'sha256:' + '1'.repeat(64), run: `${process.execPath} server.cjs`, mode: 'http', port_env: 'http_port', environment: {}, builtAt: new Date().toISOString()},
    env.FAAS_IMAGE_INDEX,
  )
  const port = await freeLoopbackPort()
  const gateway = spawn(process.execPath, [binPath, 'gateway', '--port', String(port), '--quiet'], {env, stdio: ['ignore', 'ignore', 'pipe']})
  const url = `http://127.0.0.1:${port}`
  try {
    const dataDir = path.join(env.XDG_DATA_HOME!, 'faas', 'gateway')
    let auth = ''
    for (let i = 0; i < 200 && !auth; i++) {
      try {
        auth = 'Basic ' + Buffer.from('admin:' + readFileSync(path.join(dataDir, 'basic-auth-password'), 'utf8').trim()).toString('base64')
        await get(`${url}/healthz`, auth)
      } catch {
        auth = ''
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    if (!auth) throw new Error('the gateway did not start')
    const deploy = spawnSync(process.execPath, [binPath, 'deploy', '--image', 'bench/tick:latest', '--name', 'tick', '--annotation', 'topic=cron-function', '--annotation', 'schedule=*/1 * * * *', '-g', url], {env, encoding: 'utf8'})
    const deployedAt = Date.now()
    if (deploy.status !== 0) throw new Error(`deploy failed: ${deploy.stderr}`)
    const describe = spawnSync(process.execPath, [binPath, 'describe', 'tick', '-g', url], {env, encoding: 'utf8'})
    const nextRun = /^Next run:.*$/m.exec(describe.stdout)?.[0] ?? '(no Next run line)'
    process.stderr.write(`deployed at ${new Date(deployedAt).toISOString()}; describe: ${nextRun}\n`)

    const seenAt: number[] = []
    let last = 0
    const deadline = deployedAt + 75_000 + (calls - 1) * 60_000 + 10_000
    while (seenAt.length < calls && Date.now() < deadline) {
      const list = JSON.parse(await get(`${url}/system/functions`, auth)) as Array<{name: string; invocationCount?: number}>
      const count = list.find((f) => f.name === 'tick')?.invocationCount ?? 0
      for (; last < count; last++) {
        seenAt.push(Date.now())
        process.stderr.write(`call ${last + 1} seen at ${new Date().toISOString()}\n`)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
    const first = seenAt.length ? (seenAt[0] - deployedAt) / 1000 : Number.NaN
    const gaps = seenAt.slice(1).map((t, i) => (t - seenAt[i]) / 1000)
    const figures: Figure[] = [
      {name: 'cron */1: deploy → first call (s)', value: Number(first.toFixed(1)), unit: 's', target: '<= 75', ok: first <= 75},
      {name: 'cron */1: calls seen', value: seenAt.length, unit: '', target: `${calls}`, ok: seenAt.length === calls},
    ]
    gaps.forEach((g, i) => figures.push({name: `cron */1: gap between calls ${i + 1} and ${i + 2} (s)`, value: Number(g.toFixed(1)), unit: 's', target: '60 ± 1', ok: Math.abs(g - 60) <= 1}))
    return figures
  } finally {
    gateway.kill('SIGTERM')
    await new Promise((r) => gateway.once('exit', r))
    rmSync(root, {recursive: true, force: true})
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchCron(Number(process.argv[2] ?? 3))
  for (const f of figures) process.stdout.write(`${f.name.padEnd(52)} ${String(f.value).padStart(8)} ${f.unit.padEnd(3)} target ${f.target}${f.ok ? '  ok' : '  MISSED'}\n`)
  process.exitCode = figures.every((f) => f.ok !== false) ? 0 : 1
}
