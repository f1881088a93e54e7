#!/usr/bin/env node
// Entry for `faas` and `faas-cli`. Every command starts through dist/bundle/faas.cjs (oclif with a
// prebuilt configuration; each command, help and heavy modules are chunks loaded when used),
// loaded by dist/bundle/loader.cjs with V8's code cache (src/cli/bundle-loader.ts).
// This file is CommonJS (bin/package.json): Node's ESM loader is never started.
'use strict'
const path = require('node:path')

const args = process.argv.slice(2)

if ((args.length === 1 && args[0] === '--version') || (args.length === 2 && args[0] === 'version' && args[1] === '--short-version')) {
  // Fast path: these two print exactly what the full CLI prints, without loading oclif at all
  // (scripts and prompts call them often). It stays: with the code cache, the general path takes
  // 64.6 ms for --version and 73.8 ms for version --short-version, this one 38.7 and 42.0 ms
  // (node -e 0: 36.5 ms; medians of 21 runs side by side).
  const pkg = JSON.parse(require('node:fs').readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'))
  process.stdout.write(args.length === 1 ? `${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n` : `${pkg.version}\n`)
} else {
  main().catch((error) => {
    process.exitCode = 1
    console.error(error)
  })
}

async function main() {
  // faas-cli plugins: an executable ~/.openfaas/plugins/<first arg> runs instead of any built-in
  // command, with the remaining arguments (faas-cli checks this before dispatch, too).
  const {existsSync} = require('node:fs')
  const plugin = args[0] && /^[\w.-]+$/.test(args[0]) && process.env.HOME ? `${process.env.HOME}/.openfaas/plugins/${args[0]}` : ''
  if (plugin && existsSync(plugin)) {
    const {spawnSync} = require('node:child_process')
    const r = spawnSync(plugin, args.slice(1), {stdio: 'inherit'})
    process.exitCode = r.status ?? 1
  } else if (args[0] === '__complete') {
    // the shell completion scripts ask for values (function names, languages, templates) on
    // every TAB: answered from a small bundle, without oclif (src/ui/complete-values.ts)
    await (await import('../dist/bundle/complete.js')).printCompletionValues(args.slice(1))
  } else if (args[0] === 'new' && (await (await import('../dist/bundle/new.js')).tryFastNew(args.slice(1)))) {
    // Fast path: `new NAME --lang LANG [...]` with a local or shipped template, without oclif
    // (src/templates/fast-new.ts); other forms of `new` (--list, --help, prompts, a template to
    // fetch) fall through to the full CLI below, before anything is written. It stays: 47.2 ms
    // against 74.1 ms on the general path (same run as --version above).
  } else {
    // every command: oclif with its configuration prebuilt, each command loaded when it runs
    // (src/cli/main.ts)
    const bundle = path.join(__dirname, '..', 'dist', 'bundle')
    await require(path.join(bundle, 'loader.cjs')).loadEntry(path.join(bundle, 'faas.cjs')).main(args)
  }
}
