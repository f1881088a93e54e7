// Build: type-check and compile everything with tsc (dist/ mirrors the tree; tests run on it),
// then bundle the CLI with esbuild (dist/bundle/faas.cjs, loaded by dist/bundle/loader.cjs: the start-up path; every command, help,
// the not-found hook and heavy modules are chunks that load only when used), then write the
// oclif manifest so no command module is imported just to list flags or render help.
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
// @oclif/plugin-help's one command, bundled as one of ours: no plugin is searched for or loaded
// at start-up (src/cli/main.ts), and the command is evaluated only when `faas help` runs
const helpCommand = {id: 'help', file: 'node_modules/@oclif/plugin-help/lib/commands/help.js'}
const helpManifest = JSON.parse(fs.readFileSync('node_modules/@oclif/plugin-help/oclif.manifest.json', 'utf8')).commands.help
const rel = (file) => `./${file.split(path.sep).join('/')}`

// faas.cjs: the start-up path (src/cli/main.ts) and, for each command, a loader: every command
// module is a chunk of its own, imported only when that command runs.
const main = [
  `import {fileURLToPath as __faasPath} from 'node:url'`,
  `import {main as run} from './src/cli/main.ts'`,
  `globalThis.__faasBundleDir = __faasPath(new URL('.', import.meta.url))`,
  `const LOADERS = {${[...commands, helpCommand].map((c) => `${JSON.stringify(c.id)}: () => import(${JSON.stringify(rel(c.file))})`).join(', ')}}`,
  // the help command's manifest entry (ours lists only our commands, as oclif.manifest.json)
  `const EXTRA = {help: ${JSON.stringify(helpManifest)}}`,
  `export const main = (argv) => run(argv, new URL('../..', import.meta.url).pathname, LOADERS, EXTRA)`,
].join('\n')
// commands.cjs: package.json oclif.commands (explicit strategy) for oclif's own tools (the manifest
// below); the CLI itself never loads it.
const table = [
  ...commands.map((c, i) => `import C${i} from ${JSON.stringify(rel(c.file))}`),
  `export const COMMANDS = {${commands.map((c, i) => `${JSON.stringify(c.id)}: C${i}`).join(', ')}}`,
].join('\n')

/**
 * @oclif/core is CommonJS, and each of its modules `require`s its neighbours at the top, so
 * importing the Command class would evaluate help, ux, spinners, templates and config search
 * too. In the bundle, those top-level requires become lazy: a module is evaluated when one of
 * its exports is first used.
 */
const lazyOclifRequires = {
  name: 'lazy-oclif-requires',
  setup(build) {
    build.onLoad({filter: /[\\/]node_modules[\\/]@oclif[\\/]core[\\/]lib[\\/].*\.js$/}, async (args) => {
      let src = await fs.promises.readFile(args.path, 'utf8')
      let count = 0
      const lazy = (wrap, spec) => {
        const name = JSON.parse(spec)
        // the debug package reads DEBUG, picks colours and probes the terminal when it loads;
        // oclif's loggers print only when DEBUG names them, so without DEBUG they are no-ops
        const plain = SEPARATE_PACKAGES.includes(name) ? `__faasSeparate(${spec})` : `require(${spec})`
        const load = name === 'debug' ? `(process.env.DEBUG ? ${plain} : __faasNoDebug)` : plain
        return `__lazyModule(() => ${wrap ? `${wrap}${load})` : load})`
      }
      // `const x_1 = require("./x");`, `var x_1 = …`, with tsc's __importDefault/__importStar
      src = src.replace(/^(const|var) ([A-Za-z_$][\w$]*) = (__importDefault\(|__importStar\()?require\(("[^"]+")\)\)?;$/gm, (_, kind, name, wrap, spec) => {
        count++
        return `${kind} ${name} = ${lazy(wrap, spec)};`
      })
      // the index's `exports.Flags = __importStar(require("./flags"));`
      src = src.replace(/^exports\.([A-Za-z_$][\w$]*) = (__importStar\()?require\(("[^"]+")\)\)?;$/gm, (_, name, wrap, spec) => {
        count++
        return `exports.${name} = ${lazy(wrap, spec)};`
      })
      // the index warns when Node is older than oclif's engines (>=18); package.json asks for
      // >=20 already, and the check costs semver plus a package.json read on every start
      src = src.replace(/^checkNodeVersion\(\);$/m, '')
      // the plugin sorts its commands with localeCompare: its first call builds ICU's collator
      // (~15 ms, more than the rest of oclif's configuration); the ids are ASCII, and the build
      // checks below that code-point order is the same order for every id of the manifest
      src = src.replace('.sort((a, b) => a.id.localeCompare(b.id))', '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))')
      // help renders every summary, description and example through ejs (compiling a function
      // for each string, ~15 ms for the root help); a string without an ejs delimiter renders
      // as itself, so only strings with `<%`/`%>` go through ejs (and ejs loads only then)
      if (/[\\/]help[\\/]util\.js$/.test(args.path)) {
        const before = src
        src = src.replace('return ejs_1.default.render(t, context);', "return typeof t === 'string' && !t.includes('<%') && !t.includes('%>') ? t : ejs_1.default.render(t, context);")
        if (src === before) throw new Error('lazy-oclif-requires: help/util.js render() not found')
      }
      // oclif reads its JSON files (package.json, the manifest) with fs/promises: loading node's
      // fs/promises modules costs ~2 ms on every start, for a few small files. In the bundle they
      // are read with readFileSync (the same text, the same errors), and fs/promises loads only
      // for oclif's Args/Flags.file and .directory checks, which faas does not use
      if (/[\\/]util[\\/]fs\.js$/.test(args.path)) {
        const before = src
        src = src.replace("const contents = await (0, promises_1.readFile)(path, 'utf8');", "const contents = (0, node_fs_1.readFileSync)(path, 'utf8');")
        if (src === before) throw new Error('lazy-oclif-requires: util/fs.js readJson() not found')
      }
      if (count) src = `${LAZY_MODULE}\n${src}`
      return {contents: src, loader: 'js'}
    })
  },
}
/**
 * Packages @oclif/core requires for work faas never does on its way to a command (plugin search
 * by glob or pattern, user plugin configs, spinners): not in the chunks at all, so no start pays
 * for parsing them; each is a file of its own (dist/bundle/lazy/NAME.cjs), read if ever used.
 */
const SEPARATE_PACKAGES = ['lilconfig', 'minimatch', 'tinyglobby', 'cli-spinners', 'debug', 'ejs', 'wrap-ansi', 'string-width', 'widest-line']

// A stand-in for a module's exports that evaluates the module on first use (tsc's output only
// reads members of these bindings: `(0, x_1.fn)(…)`, `x_1.default`, `new x_1.C()`). A separate
// package is found through the folder the entry (faas.cjs) records, else in node_modules.
const LAZY_MODULE = `const __faasNoDebug = Object.assign((namespace) => Object.assign(() => {}, {namespace, enabled: false, extend: (ns, d = ':') => __faasNoDebug(namespace + d + ns)}), {enable() {}, disable: () => '', enabled: () => false})
function __faasSeparate(name) {
  const dir = globalThis.__faasBundleDir
  return dir ? require(dir + '/lazy/' + name + '.cjs') : require(name)
}
function __lazyModule(load) {
  let m
  const get = () => (m ??= load())
  return new Proxy({}, {
    get: (_, k) => get()[k],
    has: (_, k) => k in get(),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, k) => {
      const d = Reflect.getOwnPropertyDescriptor(get(), k)
      return d && {...d, configurable: true}
    },
  })
}`

/**
 * got imports, at its top, packages that only some requests use: http2-wrapper (HTTP/2, which
 * faas never asks for), cacheable-request with keyv and http-cache-semantics (the `cache`
 * option), cacheable-lookup (`dnsCache`), form-data-encoder (a FormData body) and
 * decompress-response (a compressed answer). In the bundle, got gets a stand-in for each: the
 * package itself is a file of its own (dist/bundle/lazy/NAME.cjs), read the first time a request
 * uses it; a start that makes no such request (or fails before it) neither parses nor runs them.
 */
const GOT_LAZY = {
  'http2-wrapper': `export default {get globalAgent() { return load().globalAgent }, get auto() { return load().auto }}`,
  // a class: \`new CacheableRequest(…)\` only for a request with \`cache\`; a CacheError can exist
  // only once the package is loaded, so instanceof is false before that without loading it
  'cacheable-request': `export default new Proxy(function CacheableRequest() {}, {construct: (_, args) => Reflect.construct(load().default, args), get: (_, k) => load().default[k]})
export class CacheError extends Error { static [Symbol.hasInstance](x) { return real !== undefined && x instanceof real.CacheError } }`,
  'cacheable-lookup': `export default new Proxy(function CacheableLookup() {}, {construct: (_, args) => Reflect.construct(load().default, args), get: (_, k) => load().default[k]})`,
  // FormData is an object (or a function-like class instance): anything else is not, unloaded
  'form-data-encoder': `export const isFormData = (value) => Boolean(value) && (typeof value === 'object' || typeof value === 'function') && load().isFormData(value)
export const FormDataEncoder = new Proxy(function FormDataEncoder() {}, {construct: (_, args) => Reflect.construct(load().FormDataEncoder, args), get: (_, k) => load().FormDataEncoder[k]})`,
  // an answer without Content-Encoding is returned as it is (what the package does with it)
  'decompress-response': `export default (response) => (response.headers['content-encoding'] ? load().default(response) : response)`,
}
/**
 * got's options module imports node:https and node:tls at its top (https.request for an https
 * URL, tls.checkServerIdentity as the default check): a request to an http:// gateway uses
 * neither, and loading them costs more than the request. In the bundle, both load on first use.
 */
const GOT_LAZY_BUILTINS = {
  'node:https': `export default new Proxy({}, {get: (_, k) => require('node:https')[k], has: (_, k) => k in require('node:https')})`,
  'node:tls': `export const checkServerIdentity = (hostname, cert) => require('node:tls').checkServerIdentity(hostname, cert)`,
}
const GOT_OPTIONS = /[\\/]got[\\/]dist[\\/]source[\\/]core[\\/]options\.js$/
const lazyGotPackages = {
  name: 'lazy-got-packages',
  setup(build) {
    build.onResolve({filter: /^node:(https|tls)$/}, (args) => (GOT_OPTIONS.test(args.importer) ? {path: args.path, namespace: 'lazy-got-builtin'} : undefined))
    build.onLoad({filter: /.*/, namespace: 'lazy-got-builtin'}, (args) => ({resolveDir: root, loader: 'js', contents: GOT_LAZY_BUILTINS[args.path]}))
    const names = Object.keys(GOT_LAZY).map((n) => n.replace(/[-/]/g, '\\$&')).join('|')
    build.onResolve({filter: new RegExp(`^(${names})$`)}, (args) => (args.importer.includes(`${path.sep}got${path.sep}`) ? {path: args.path, namespace: 'lazy-got'} : undefined))
    build.onLoad({filter: /.*/, namespace: 'lazy-got'}, (args) => ({
      resolveDir: root,
      loader: 'js',
      contents: `let real
const load = () => (real ??= require(globalThis.__faasBundleDir + '/lazy/${args.path}.cjs'))
${GOT_LAZY[args.path]}`,
    }))
  },
}

/**
 * @sindresorhus/is (got's type checks) builds two Intl.ListFormat objects at its top, for the
 * text of a failed assertion: the first one initialises ICU's list patterns (~10 ms). In the
 * bundle each is made on its first use (the same objects, the same text).
 */
const lazyListFormat = {
  name: 'lazy-list-format',
  setup(build) {
    build.onLoad({filter: /[\\/]node_modules[\\/]@sindresorhus[\\/]is[\\/].*\.js$/}, async (args) => {
      let src = await fs.promises.readFile(args.path, 'utf8')
      let count = 0
      src = src.replace(/^const (\w+) = (new Intl\.ListFormat\([^;]*\));$/gm, (_, name, make) => {
        count++
        return `let ${name}Made;\nconst ${name} = {format: (list) => (${name}Made ??= ${make}).format(list)};`
      })
      if (args.path.endsWith(`${path.sep}distribution${path.sep}index.js`) && count !== 2) throw new Error(`lazy-list-format: expected 2 Intl.ListFormat in ${args.path}, found ${count}`)
      return {contents: src, loader: 'js'}
    })
  },
}

/**
 * An ES module that imports a Node built-in gets it through Node's ESM facade, which reads every
 * export of the built-in once: that runs its lazy getters (fs.promises, process.report, crypto's
 * webcrypto, …) and loads the modules behind them (~20 of them, most of a failing request's
 * built-in work). In the bundle, faas's own modules and got (the start-up path) take built-ins
 * with `require` instead: `import fs, {x, y as z} from 'node:fs'` becomes
 * `const fs = require('node:fs'); const {x, y: z} = fs` (a built-in's default export is its
 * module.exports, the named ones its properties), without the facade. Dynamic imports stay.
 */
const builtinNames = new Set((await import('node:module')).builtinModules)
// the built-ins that got gets lazily (GOT_LAZY_BUILTINS) stay imports: those resolve to the stand-ins
const keepImport = (file, spec) => spec in GOT_LAZY_BUILTINS && GOT_OPTIONS.test(file)
function builtinImportsAsRequires(src, file) {
  let n = 0
  return src.replace(/^import\s+([^'";]*?)\s+from\s+['"]([\w:/]+)['"];?[ \t]*$/gm, (whole, clause, spec) => {
    const name = spec.replace(/^node:/, '')
    if (!builtinNames.has(name) || name.startsWith('_') || /^type\s/.test(clause) || keepImport(file, `node:${name}`)) return whole
    const m = /^(?:([\w$]+)\s*,?\s*)?(?:\*\s+as\s+([\w$]+)|\{([^}]*)\})?$/.exec(clause.trim())
    if (!m) throw new Error(`build: cannot read the import of ${spec} in ${file}: ${whole}`)
    const [, def, ns, named] = m
    const mod = `__faasBuiltin${n++}`
    const out = [`const ${mod} = require(${JSON.stringify(`node:${name}`)})`]
    if (def) out.push(`const ${def} = ${mod}`)
    if (ns) out.push(`const ${ns} = ${mod}`)
    if (named !== undefined) {
      const parts = []
      for (const raw of named.split(',').map((x) => x.trim()).filter(Boolean)) {
        if (/^type\s/.test(raw)) continue
        const [from, to] = raw.split(/\s+as\s+/)
        if (from === 'default') out.push(`const ${to} = ${mod}`)
        else parts.push(to ? `${from}: ${to}` : from)
      }
      if (parts.length) out.push(`const {${parts.join(', ')}} = ${mod}`)
    }
    return out.join('; ')
  })
}
/**
 * got gives every request an id (crypto.randomUUID) for the messages of its diagnostics channels,
 * and loading node:crypto costs more than a failing request (~20 modules). In the bundle the id is
 * made when it is read while one of got's channels has a subscriber (a message is seen only then),
 * once per request as before; with no subscriber nothing reads it and crypto is not loaded.
 */
function lazyGotRequestId(src, file) {
  const swap = (from, to) => {
    if (!src.includes(from)) throw new Error(`build: got changed, ${from} not found in ${file}`)
    src = src.replace(from, to)
  }
  if (/[\\/]got[\\/]dist[\\/]source[\\/]core[\\/]diagnostics-channel\.js$/.test(file)) {
    swap("import { randomUUID } from 'node:crypto';", "const randomUUID = () => require('node:crypto').randomUUID();")
    src += '\nexport function anyGotChannelSubscribed() {\n    return Object.values(channels).some((channel) => channel.hasSubscribers);\n}\n'
  } else if (/[\\/]got[\\/]dist[\\/]source[\\/]core[\\/]index\.js$/.test(file)) {
    swap('import { generateRequestId, ', 'import { anyGotChannelSubscribed, generateRequestId, ')
    swap('    _requestId = generateRequestId();\n', `    _faasRequestId;
    get _requestId() {
        return this._faasRequestId ?? (anyGotChannelSubscribed() ? (this._faasRequestId = generateRequestId()) : undefined);
    }
    set _requestId(value) {
        this._faasRequestId = value;
    }
`)
  }
  return src
}

const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(build) {
    build.onLoad({filter: /[\\/](src[\\/].*\.ts|node_modules[\\/]got[\\/]dist[\\/]source[\\/].*\.js)$/}, async (args) => {
      if (args.path.endsWith('.d.ts')) return undefined
      const src = lazyGotRequestId(await fs.promises.readFile(args.path, 'utf8'), args.path)
      return {contents: builtinImportsAsRequires(src, args.path), loader: args.path.endsWith('.ts') ? 'ts' : 'js'}
    })
  },
}

const esbuild = await import('esbuild')
const bundleOptions = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: process.env.FAAS_BUILD_MINIFY !== '0',
  // oclif looks for these only to run TypeScript sources in development
  external: ['typescript', 'ts-node', 'tsx'],
  logLevel: 'warning',
}
const virtualEntries = {
  name: 'entries',
  setup(build) {
    const sources = {faas: main, commands: table}
    build.onResolve({filter: /^faas-entry:/}, (args) => ({path: args.path.slice('faas-entry:'.length), namespace: 'faas-entry'}))
    build.onLoad({filter: /.*/, namespace: 'faas-entry'}, (args) => ({contents: sources[args.path], loader: 'ts', resolveDir: root}))
  },
}
const bundled = await esbuild.build({
  ...bundleOptions,
  metafile: true,
  entryPoints: {
    faas: 'faas-entry:faas',
    commands: 'faas-entry:commands',
    // package.json oclif.helpClass and oclif.hooks.command_not_found: loaded by oclif when used
    help: 'src/ui/help.ts',
    'not-found': 'src/ui/not-found.ts',
  },
  splitting: true,
  outdir: 'dist/bundle',
  outExtension: {'.js': '.cjs'},
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [virtualEntries, lazyOclifRequires, lazyGotPackages, lazyListFormat, builtinsByRequire],
  write: false,
})
/**
 * esbuild splits only ES modules; each file is then turned into a CommonJS module for
 * src/cli/bundle-loader.ts (dist/bundle/loader.cjs), which compiles it with V8's code cache and
 * requires its neighbours without Node's ESM loader: `import()` of a chunk becomes a `require`,
 * `import.meta.url` the loader's per-file URL, and each file starts with 'use strict' as the ES
 * module it was.
 */
for (const out of bundled.outputFiles) {
  const rel = path.relative(root, out.path)
  const converted = await esbuild.transform(out.text, {
    format: 'cjs',
    loader: 'js',
    platform: 'node',
    target: 'node20',
    minify: bundleOptions.minify,
    supported: {'dynamic-import': false},
    define: {'import.meta.url': '__faasMeta.url'},
    sourcefile: rel,
    logLevel: 'silent',
  })
  if (converted.warnings.length) throw new Error(`build: converting ${rel} to CommonJS: ${converted.warnings.map((w) => w.text).join('; ')}`)
  if (/\bimport\.meta\b/.test(converted.code)) throw new Error(`build: ${rel} still reads import.meta`)
  fs.mkdirSync(path.dirname(out.path), {recursive: true})
  fs.writeFileSync(out.path, `'use strict';${converted.code}`)
}
await Promise.all([...SEPARATE_PACKAGES, ...Object.keys(GOT_LAZY)].map((name) => esbuild.build({
  // resolved from the package that requires it (oclif has its own wrap-ansi, for one)
  stdin: {contents: `module.exports = require(${JSON.stringify(name)})`, resolveDir: path.join(root, 'node_modules', SEPARATE_PACKAGES.includes(name) ? '@oclif/core' : 'got'), sourcefile: `${name}.cjs`},
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  outfile: `dist/bundle/lazy/${name}.cjs`,
  logLevel: 'warning',
})))
// dist/bundle/loader.cjs: how bin/run.js loads the files above (src/cli/bundle-loader.ts). Its
// build id is a hash of every one of them: the code cache of one build is never used for another.
{
  const {createHash} = await import('node:crypto')
  const hash = createHash('sha256')
  const files = (dir) => fs.readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]))
  for (const file of files('dist/bundle').sort()) hash.update(`${file}\0`).update(fs.readFileSync(file))
  await esbuild.build({
    entryPoints: ['src/cli/bundle-loader.ts'],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: bundleOptions.minify,
    define: {__FAAS_BUILD_ID__: JSON.stringify(hash.digest('base64url').slice(0, 16))},
    outfile: 'dist/bundle/loader.cjs',
    logLevel: 'warning',
  })
}

// which sources each chunk holds (for start-up work: `node --cpu-prof` names chunks, not sources)
fs.writeFileSync('dist/bundle-meta.json', JSON.stringify(bundled.metafile))

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
  minify: process.env.FAAS_BUILD_MINIFY !== '0',
  outdir: 'dist/bundle',
  packages: 'external',
  logLevel: 'warning',
})

// OCLIF_SKIP_NEW_VERSION_CHECK: the oclif CLI would otherwise ask the npm registry for its own updates
process.env.OCLIF_SKIP_NEW_VERSION_CHECK = 'true'
run(process.execPath, ['node_modules/oclif/bin/run.js', 'manifest'])

// The manifest leaves out the defaults of boolean flags; help shows `[default: true]` as faas-cli
// does (src/ui/help.ts), and would otherwise import the command (and oclif's parser with it) to
// learn them. Each command's entry gets its booleans' defaults, marked as complete.
{
  const manifestFile = 'oclif.manifest.json'
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'))
  const {COMMANDS} = (await import('node:module')).createRequire(import.meta.url)(path.join(root, 'dist/bundle/commands.cjs'))
  for (const [id, entry] of Object.entries(manifest.commands)) {
    const cls = COMMANDS[id]
    if (!cls) continue
    const defined = {...cls.baseFlags, ...cls.flags}
    for (const [name, flag] of Object.entries(entry.flags ?? {})) {
      const value = defined[name]?.default
      if (flag.type === 'boolean' && typeof value === 'boolean') flag.default = value
    }
    entry.booleanDefaults = true
  }
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2))
}

{
  const ids = [...Object.keys(JSON.parse(fs.readFileSync('oclif.manifest.json', 'utf8')).commands), helpCommand.id]
  const byLocale = [...ids].sort((a, b) => a.localeCompare(b)).join(' ')
  if (byLocale !== [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(' ')) {
    console.error('build: command ids sort differently by code point and by locale; scripts/build.mjs replaces oclif\'s localeCompare with code-point order')
    typeErrors = true
  }
}

// the commit `faas version` reports (dev outside a git checkout)
const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {encoding: 'utf8'})
const commit = rev.status === 0 ? rev.stdout.trim() : 'dev'
fs.writeFileSync('dist/build-info.json', JSON.stringify({commit}) + '\n')

if (typeErrors) {
  console.error('build: type errors (see above)')
  process.exit(1)
}
