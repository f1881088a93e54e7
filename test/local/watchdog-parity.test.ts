/**
 * The watchdog parity matrix as behaviour tests: every case of test/helpers/watchdog-parity.ts
 * runs on `faas watchdog` (in process) and must answer what the Go watchdogs answered, as
 * recorded in watchdog-parity.expected.json by `node dist/bench/watchdog-parity.js --write` (the
 * Go binaries are not in CI). Cases marked `deliberate` expect our documented answer instead.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {fileURLToPath} from 'node:url'
import {startWatchdogServer} from '../../src/local/watchdog/server.js'
import {freePort, tempDir} from './helpers.js'
import {
  GROUPS,
  type Observation,
  type ParityGroup,
  runGroup,
  type StartTarget,
  writeFixtures,
} from '../helpers/watchdog-parity.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const expected = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'local', 'watchdog-parity.expected.json'), 'utf8')) as Record<
  string,
  Record<string, Observation>
>

const dir = tempDir('faas-wd-parity-')
const fx = writeFixtures(dir)
const results = new Map<string, Record<string, Observation> | Error>()

const startOurs: StartTarget = async (group, env) => {
  let exit!: (code: number) => void
  const exited = new Promise<number>((r) => (exit = r))
  const lockDir = fs.mkdtempSync(path.join(dir, 'lock-'))
  const mode: Record<string, string> = group.flavour === 'classic' ? {mode: 'classic'} : {}
  // as `faas watchdog` does: a fatal function exit closes the server and ends with code 1
  let close = (_graceMs = 0) => Promise.resolve()
  let stopped = false
  const s = await startWatchdogServer({
    env: {PATH: process.env.PATH, ...env, ...mode},
    port: 0,
    host: '127.0.0.1',
    lockDir,
    metricsPort: null,
    logs: () => {},
    onFatal: () => {
      void close(500).then(() => exit(1))
    },
  })
  close = async (graceMs = 0) => {
    if (stopped) return
    stopped = true
    await s.close({graceMs})
  }
  return {url: s.url, exited, stop: () => close()}
}

async function runAll(groups: ParityGroup[], width: number): Promise<void> {
  const queue = [...groups]
  await Promise.all(
    Array.from({length: width}, async () => {
      for (let g = queue.shift(); g; g = queue.shift()) {
        const group = g
        const env = group.env({fx, upstreamPort: await freePort()})
        results.set(group.name, await runGroup(group, startOurs, env).catch((e: Error) => e))
      }
    }),
  )
}

before(async () => {
  await runAll(GROUPS, 6)
}, {timeout: 120_000})

after(() => fs.rmSync(dir, {recursive: true, force: true}))

test('the matrix has at least 110 cases and an expectation for each', () => {
  const cases = GROUPS.flatMap((g) => g.cases.map((c) => [g.name, c.name]))
  assert.ok(cases.length >= 110, `${cases.length} cases`)
  for (const [g, c] of cases) assert.ok(expected[g]?.[c], `no recorded Go answer for ${g} / ${c}`)
})

for (const group of GROUPS) {
  describe(`parity: ${group.name} (${group.flavour})`, () => {
    for (const c of group.cases) {
      const title = c.deliberate ? `${c.name} [deliberate difference]` : c.name
      test(title, () => {
        const got = results.get(group.name)
        if (got instanceof Error) throw got
        const want = {...expected[group.name][c.name], ...(c.deliberate?.ours ?? {})}
        assert.deepEqual(got?.[c.name], want)
      })
    }
  })
}
