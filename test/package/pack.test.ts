/**
 * What `npm pack` ships: everything `faas` needs at run time (bin/run.js, the bundle and every
 * chunk it imports, the shipped stores, the manifest, LICENSE) and nothing else (no tests,
 * benchmarks, scripts, compiled sources, TypeScript or source maps). Also: the package name is
 * one that is ours on npm (`faas` is an unrelated package), and the update check asks for it.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, it} from 'node:test'

import {repoRoot} from '../helpers/cli.js'
import {DEFAULT_UPDATE_URL} from '../../src/util/update-check.js'

interface PackResult {
  name: string
  size: number
  entryCount: number
  files: Array<{path: string; size: number}>
}

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {name: string; license: string; bin: Record<string, string>}

describe('npm package', () => {
  let pack: PackResult
  let files: Set<string>

  before(() => {
    // --ignore-scripts: no prepack build here (the test runs on the build `npm test` just made);
    // --offline, no update notifier: npm asks no registry
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--offline', '--no-update-notifier'], {cwd: repoRoot, encoding: 'utf8', env: {...process.env, npm_config_loglevel: 'error'}})
    assert.equal(r.status, 0, r.stderr)
    pack = (JSON.parse(r.stdout) as PackResult[])[0]
    files = new Set(pack.files.map((f) => f.path))
  })

  it('is named for a package that is ours, and the update check asks for that name', () => {
    assert.notEqual(pkg.name, 'faas', '"faas" on npm is an unrelated package')
    assert.equal(pack.name, pkg.name)
    assert.equal(DEFAULT_UPDATE_URL, `https://registry.npmjs.org/${pkg.name}/latest`)
    assert.deepEqual(pkg.bin, {faas: './bin/run.js', 'faas-cli': './bin/run.js'})
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
    assert.ok(readme.includes(`npm install -g ${pkg.name}`), 'README says how to install it')
  })

  it('ships no tests, benchmarks, scripts, compiled sources, TypeScript or source maps', () => {
    const unwanted = [...files].filter((f) =>
      /^(dist\/(test|bench|scripts|src)|test|bench|scripts|src)\//.test(f) || /\.(ts|map)$/.test(f) || f.endsWith('tsconfig.json'))
    assert.deepEqual(unwanted, [])
  })

  it('ships what `faas` runs: bin, the bundle and every file it imports, the stores, the portal, the manifest, LICENSE', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'bin/run.js', 'bin/package.json', 'dist/bundle/loader.cjs', 'dist/bundle/faas.cjs', 'dist/bundle/new.js', 'dist/build-info.json',
      'oclif.manifest.json', 'function-store.json', 'templates-store/index.json', 'templates-store/shipped.json', 'templates-store/template/node20/template.yml',
      'portal/index.html', 'portal/app.js', 'portal/style.css', 'portal/icon.svg']) {
      assert.ok(files.has(f), `${f} is in the package`)
    }
    // every relative import or require of the bundle (chunks load lazily, when a command needs them)
    const bundle = path.join(repoRoot, 'dist', 'bundle')
    const queue = ['faas.cjs', 'help.cjs', 'not-found.cjs', 'new.js', 'complete.js']
    const seen = new Set<string>()
    while (queue.length) {
      const rel = queue.pop()!
      if (seen.has(rel)) continue
      seen.add(rel)
      assert.ok(files.has(`dist/bundle/${rel}`), `dist/bundle/${rel} is in the package`)
      const text = readFileSync(path.join(bundle, rel), 'utf8')
      for (const m of text.matchAll(/(?:from|import|require)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) queue.push(path.posix.join(path.posix.dirname(rel), m[1]))
    }
    assert.ok(seen.size > 10, `followed the bundle's chunks (${seen.size} files)`)
    const shipped = readdirSync(path.join(repoRoot, 'templates-store', 'template'), {recursive: true, withFileTypes: true}).filter((e) => e.isFile())
    for (const e of shipped) {
      const rel = path.relative(repoRoot, path.join(e.parentPath, e.name)).split(path.sep).join('/')
      assert.ok(files.has(rel), `${rel} is in the package`)
    }
  })
})
