/**
 * `faas new hello --lang node20` in an empty folder with no network, against `faas --version`,
 * side by side (each round runs both, in turn, so machine noise hits them alike). Target: the
 * median wall time of `new` at most 1.3x that of `--version`. Each `new` gets a fresh folder
 * and a fresh HOME (empty cache); proxies point at a closed loopback port, so any network use
 * would fail the run.
 *
 *   node dist/bench/new.js [rounds]
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type Figure, benchEnv, binPath, median} from './util.js'

export async function benchNew(rounds = 21): Promise<Figure[]> {
  const node = process.execPath
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'faas-bench-new-'))
  const offline = {HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9'}
  const versionMs: number[] = []
  const newMs: number[] = []
  try {
    for (let i = 0; i < rounds; i++) {
      const home = mkdtempSync(path.join(scratch, 'home-'))
      const work = mkdtempSync(path.join(scratch, 'work-'))
      const env = benchEnv({...offline, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), CI: 'true'})
      delete env.OPENFAAS_TEMPLATE_STORE_URL

      let start = performance.now()
      const v = spawnSync(node, [binPath, '--version'], {cwd: work, env, stdio: 'ignore'})
      versionMs.push(performance.now() - start)
      if (v.status !== 0) throw new Error(`faas --version exited ${v.status}`)

      start = performance.now()
      const n = spawnSync(node, [binPath, 'new', 'hello', '--lang', 'node20'], {cwd: work, env, encoding: 'utf8'})
      newMs.push(performance.now() - start)
      if (n.status !== 0 || !existsSync(path.join(work, 'hello', 'handler.js')) || !existsSync(path.join(work, 'stack.yaml'))) {
        throw new Error(`faas new hello --lang node20 failed (exit ${n.status}): ${n.stderr}`)
      }
    }
  } finally {
    rmSync(scratch, {recursive: true, force: true})
  }
  const version = median(versionMs)
  const created = median(newMs)
  const ratio = created / version
  return [
    {name: 'faas --version (median ms)', value: Math.round(version * 10) / 10, unit: 'ms'},
    {name: 'faas new hello --lang node20, empty folder, offline (median ms)', value: Math.round(created * 10) / 10, unit: 'ms'},
    {name: 'faas new / faas --version', value: Math.round(ratio * 100) / 100, unit: 'x', target: '<= 1.3x', ok: ratio <= 1.3},
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = Number(process.argv[2]) || undefined
  for (const f of await benchNew(rounds)) console.log(`${f.name}: ${f.value}${f.unit}${f.target ? ` (target ${f.target})` : ''}`)
}
