// Runs node:test on the compiled tests (dist/test/**/*.test.js). Extra arguments are passed
// to node --test, e.g. `node scripts/test.mjs --test-name-pattern=login`; a path-like argument
// (containing "/" or ending in .js) narrows the files instead.
import fs from 'node:fs'
import path from 'node:path'
import {spawnSync} from 'node:child_process'

function find(dir) {
  if (!fs.existsSync(dir)) return []
  const out = []
  for (const ent of fs.readdirSync(dir, {withFileTypes: true})) {
    const p = path.join(dir, ent.name)
    if (ent.isDirectory()) out.push(...find(p))
    else if (ent.name.endsWith('.test.js')) out.push(p)
  }
  return out.sort()
}

const args = process.argv.slice(2)
const filters = args.filter((a) => !a.startsWith('-') && (a.includes('/') || a.endsWith('.js')))
const passThrough = args.filter((a) => !filters.includes(a))
let files = find('dist/test')
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x.replace(/\.ts$/, '.js').replace(/^test\//, 'dist/test/'))))
if (!files.length) {
  console.error('no test files found under dist/test (did the build run?)')
  process.exit(1)
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...passThrough, ...files], {stdio: 'inherit'})
process.exit(r.status ?? 1)
