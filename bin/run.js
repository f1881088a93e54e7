#!/usr/bin/env node
// Entry for `faas` and `faas-cli`. The bundle holds @oclif/core and every command; heavy
// modules are split into chunks that load only when a command needs them.
//
// Fast path: `faas --version` and `faas version --short-version` print what oclif would print,
// without loading oclif at all (they are called in scripts and prompts, often many times).
const args = process.argv.slice(2)
if ((args.length === 1 && args[0] === '--version') || (args.length === 2 && args[0] === 'version' && args[1] === '--short-version')) {
  const {readFileSync} = await import('node:fs')
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(args.length === 1 ? `${pkg.oclif.bin}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n` : `${pkg.version}\n`)
} else {
  const {execute} = await import('../dist/bundle/faas.js')
  await execute({dir: import.meta.url})
}
