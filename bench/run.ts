/**
 * `npm run bench`: runs every benchmark module under bench/ (each exports an async function
 * returning figures) and prints one table. `npm run bench -- startup stack` runs a subset.
 *
 * `npm run bench -- --compare "<CLI>"` (e.g. /opt/ref/faas-cli, or "node /other/bin/run.js")
 * runs the issue-11 workloads side by side with that CLI instead (bench/compare.ts: start-up,
 * shrinkwrap, list, invoke, parallel, deploy, up; name some to run a subset), plus the in-process
 * stack figure. A report, not a test: it exits 0 whatever the figures.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {benchCompare, splitCommand, workloads} from './compare.js'
import type {Figure} from './util.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const suites: {name: string; file: string; fn: string}[] = [
  {name: 'startup', file: 'startup.js', fn: 'benchStartup'},
  {name: 'stack', file: 'stack.js', fn: 'benchStack'},
  {name: 'new', file: 'new.js', fn: 'benchNew'},
  {name: 'gateway', file: 'gateway.js', fn: 'benchGateway'},
  {name: 'build', file: 'build.js', fn: 'benchBuild'},
  {name: 'local', file: 'local.js', fn: 'benchLocal'},
  {name: 'metrics', file: 'metrics.js', fn: 'benchMetrics'},
  {name: 'security', file: 'security.js', fn: 'benchSecurity'},
  {name: 'scaling', file: 'scaling.js', fn: 'benchScaling'},
  {name: 'portal', file: 'portal.js', fn: 'benchPortal'},
]

const argv = process.argv.slice(2)
const at = argv.findIndex((a) => a === '--compare' || a.startsWith('--compare='))
const compare = at < 0 ? undefined : argv[at].startsWith('--compare=') ? argv[at].slice('--compare='.length) : argv[at + 1]
const only = at < 0 ? argv : argv.filter((_, i) => i !== at && (argv[at].includes('=') || i !== at + 1))
if (compare !== undefined) {
  if (!compare.trim()) throw new Error('--compare needs a command, e.g. --compare /opt/ref/faas-cli')
  const names = only.filter((n) => n in workloads)
  await benchCompare(splitCommand(compare), names)
}
for (const suite of suites) {
  if (compare !== undefined && suite.name !== 'stack') continue
  if (only.length && !only.includes(suite.name)) continue
  const file = path.join(here, suite.file)
  if (!existsSync(file)) continue
  process.stdout.write(`\n## ${suite.name}\n`)
  try {
    const mod = (await import(file)) as Record<string, () => Promise<Figure[]>>
    const figures = await mod[suite.fn]()
    for (const f of figures) {
      const verdict = f.ok === undefined ? '' : f.ok ? '  ok' : '  MISSED'
      process.stdout.write(`${f.name.padEnd(64)} ${String(f.value).padStart(10)} ${f.unit.padEnd(6)}${f.target ? ` target ${f.target}` : ''}${verdict}\n`)
    }
  } catch (error) {
    process.stdout.write(`${suite.name}: failed: ${(error as Error).stack ?? error}\n`)
  }
}
// a report: missed targets print MISSED, and the exit code stays 0
process.exitCode = 0
