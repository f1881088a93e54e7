// Build: type-check and compile everything with tsc (dist/ mirrors the tree; tests run on it),
// then bundle the CLI with esbuild (dist/bundle/faas.js: @oclif/core plus every command, with
// heavy modules split into chunks that load only when a command imports them), then write the
// oclif manifest so no command module is imported just to list flags.
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)

function run(cmd, args) {
  const r = spawnSync(cmd, args, {stdio: 'inherit'})
  if (r.status !== 0) process.exit(r.status ?? 1)
}

// Type errors fail the build, but only at the end: tsc still emits, and the bundle and manifest
// are still written, so one broken file does not stop everyone else from running the CLI.
let typeErrors = false

function commandFiles(dir, prefix = []) {
  const out = []
  for (const ent of fs.readdirSync(dir, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
    if (ent.isDirectory()) out.push(...commandFiles(path.join(dir, ent.name), [...prefix, ent.name]))
    else if (ent.name.endsWith('.ts') && !ent.name.endsWith('.d.ts')) {
      const base = ent.name.slice(0, -3)
      const id = base === 'index' ? prefix.join(':') : [...prefix, base].join(':')
      out.push({id, file: path.join(dir, ent.name)})
    }
  }
  return out
}

fs.rmSync('dist', {recursive: true, force: true})
typeErrors = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], {stdio: 'inherit'}).status !== 0

const commands = commandFiles('src/commands')
const entry = [
  ...commands.map((c, i) => `import C${i} from './${c.file.split(path.sep).join('/')}'`),
  `export const COMMANDS = {${commands.map((c, i) => `${JSON.stringify(c.id)}: C${i}`).join(', ')}}`,
  `export {execute, run, flush, handle, settings} from '@oclif/core'`,
  // package.json oclif.helpClass: help renders from the module that is already loaded
  `export {default as HELP} from './src/ui/help.ts'`,
  // package.json oclif.hooks.command_not_found, and bin/run.js's handler for errors outside commands
  `export {default as NOT_FOUND} from './src/ui/not-found.ts'`,
  `export {handleTopLevelError} from './src/ui/errors.ts'`,
].join('\n')

const esbuild = await import('esbuild')
await esbuild.build({
  stdin: {contents: entry, resolveDir: root, loader: 'ts', sourcefile: 'faas-entry.ts'},
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  outdir: 'dist/bundle',
  entryNames: 'faas',
  chunkNames: 'chunks/[name]-[hash]',
  // oclif looks for these only to run TypeScript sources in development
  external: ['typescript', 'ts-node', 'tsx'],
  banner: {js: "import {createRequire as __faasCreateRequire} from 'node:module';const require=__faasCreateRequire(import.meta.url);"},
  logLevel: 'warning',
})

// `faas new NAME --lang LANG` fast path (bin/run.js tries it before loading oclif), and the
// values the shell completion asks for (`faas __complete KIND`): one small file each, as every
// module and built-in loaded counts at start-up (new only handles templates that are local or
// shipped; libraries they may need, like yaml, stay external in node_modules).
await esbuild.build({
  entryPoints: {new: 'src/templates/fast-new.ts', complete: 'src/ui/complete-values.ts'},
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  outdir: 'dist/bundle',
  packages: 'external',
  logLevel: 'warning',
})

// OCLIF_SKIP_NEW_VERSION_CHECK: the oclif CLI would otherwise ask the npm registry for its own updates
process.env.OCLIF_SKIP_NEW_VERSION_CHECK = 'true'
run(process.execPath, ['node_modules/oclif/bin/run.js', 'manifest'])

// the commit `faas version` reports (dev outside a git checkout)
const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {encoding: 'utf8'})
const commit = rev.status === 0 ? rev.stdout.trim() : 'dev'
fs.writeFileSync('dist/build-info.json', JSON.stringify({commit}) + '\n')

if (typeErrors) {
  console.error('build: type errors (see above)')
  process.exit(1)
}
