/**
 * `npm run bench`: runs every benchmark module under bench/ (each exports an async function
 * returning figures) and prints one table. `npm run bench -- startup stack` runs a subset.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

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

const only = process.argv.slice(2)
let failed = false
for (const suite of suites) {
  if (only.length && !only.includes(suite.name)) continue
  const file = path.join(here, suite.file)
  if (!existsSync(file)) continue
  process.stdout.write(`\n## ${suite.name}\n`)
  try {
    const mod = (await import(file)) as Record<string, () => Promise<Figure[]>>
    const figures = await mod[suite.fn]()
    for (const f of figures) {
      const verdict = f.ok === undefined ? '' : f.ok ? '  ok' : '  MISSED'
      if (f.ok === false) failed = true
      process.stdout.write(`${f.name.padEnd(64)} ${String(f.value).padStart(10)} ${f.unit.padEnd(6)}${f.target ? ` target ${f.target}` : ''}${verdict}\n`)
    }
  } catch (error) {
    failed = true
    process.stdout.write(`${suite.name}: failed: ${(error as Error).stack ?? error}\n`)
  }
}
process.exitCode = failed ? 1 : 0
