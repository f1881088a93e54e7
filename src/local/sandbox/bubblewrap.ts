/**
 * The bubblewrap (`bwrap`) command line that confines one function process:
 *  - the host file system read-only, with a private /dev, /proc, /tmp and /var/tmp;
 *  - the user's home folder replaced by an empty one, except the folders that hold PATH entries
 *    (toolchains such as ~/.nvm or ~/.pyenv), so ~/.ssh, ~/.aws and the like are out of sight;
 *    PATH entries (and node's own folder) under /tmp or /var/tmp are shown again in the private
 *    ones, as they are: a toolchain unpacked there (a CI cache) still runs;
 *  - the gateway's data dir, the image store (other functions), faas's own state and config and
 *    the container engines' and session's sockets hidden;
 *  - its own build folder (writable unless readOnlyRootFilesystem) and its own secrets at
 *    /var/openfaas/secrets, as in an OpenFaaS container;
 *  - its own PID namespace (a tree dies with its leader) and death with its parent, so a
 *    `kill -9` of the gateway leaves no function process behind; no capabilities.
 * The network is shared: an http-mode function listens on a loopback port the gateway dials.
 */
import {spawn} from 'node:child_process'
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {isDirectory as isDir} from '../../fsutil.js'

/** What of the host the sandbox shows or hides; computed once per gateway. */
export interface HostView {
  /** Replaced by an empty folder (undefined: no usable home). */
  home?: string
  /** Folders under the home shown read-only again (they hold PATH entries). */
  homeExposed: string[]
  /** PATH entries and program folders under /tmp or /var/tmp, shown read-only in the private ones. */
  tmpExposed: string[]
  /** Entries of /var on the host: shown again over the private /var (links as links). */
  varEntries: Array<{name: string; link?: string}>
  /** Existing folders covered with an empty tmpfs. */
  hiddenDirs: string[]
  /** Existing sockets or files covered with /dev/null. */
  hiddenFiles: string[]
}

export interface FunctionBox {
  /** The function's build folder: its working directory. */
  dir: string
  writable: boolean
  /** Host folder with the function's secrets, shown at /var/openfaas/secrets. */
  secretsDir?: string
}

export const SANDBOX_SECRETS_PATH = '/var/openfaas/secrets'

/** Sockets through which a process could reach more than it was given. */
const SENSITIVE_SOCKETS = ['/run/docker.sock', '/run/podman', '/run/containerd', '/run/user', '/run/dbus/system_bus_socket', '/run/snapd.socket']

/**
 * What of the host to show: `path` (PATH) entries and the folders of `programs` under the home
 * folder stay visible (read-only), `hide` is covered.
 */
export async function hostView(opts: {home?: string; path?: string; programs?: string[]; hide: string[]}): Promise<HostView> {
  const home = opts.home && path.resolve(opts.home) !== '/' && (await isDir(opts.home)) ? path.resolve(opts.home) : undefined
  const homeExposed = new Set<string>()
  const tmpExposed = new Set<string>()
  const needed = [...(opts.path ?? '').split(path.delimiter), ...(opts.programs ?? []).map((p) => path.dirname(p))]
  for (const entry of needed) {
    if (!entry || !path.isAbsolute(entry)) continue
    const full = path.resolve(entry)
    if (home && isInside(home, full)) {
      const top = path.join(home, path.relative(home, full).split(path.sep)[0])
      if (await isDir(top)) homeExposed.add(top)
    } else if (PRIVATE_TMP.some((t) => isInside(t, full)) && (await isDir(full))) {
      // /tmp is everyone's: only the folder itself, not its top-level folder as in the home
      tmpExposed.add(full)
    }
  }
  const varEntries: HostView['varEntries'] = []
  for (const name of await fs.readdir('/var').catch(() => [] as string[])) {
    if (name === 'tmp' || name === 'openfaas') continue
    const full = path.join('/var', name)
    const st = await fs.lstat(full).catch(() => undefined)
    if (!st) continue
    varEntries.push(st.isSymbolicLink() ? {name, link: await fs.readlink(full)} : {name})
  }
  const hiddenDirs: string[] = []
  const hiddenFiles: string[] = []
  for (const p of [...opts.hide.map((h) => path.resolve(h)), ...SENSITIVE_SOCKETS]) {
    const st = await fs.stat(p).catch(() => undefined)
    if (!st) continue
    if (st.isDirectory()) hiddenDirs.push(p)
    else hiddenFiles.push(p)
  }
  return {home, homeExposed: [...homeExposed].sort(), tmpExposed: [...tmpExposed].sort(), varEntries, hiddenDirs, hiddenFiles}
}

/** Folders the sandbox replaces with empty private ones. */
const PRIVATE_TMP = ['/tmp', '/var/tmp']

function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p)
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)
}

/** bwrap's options for one function process (the command follows them after `--`). */
export function bubblewrapArgs(view: HostView, box: FunctionBox): string[] {
  const a: string[] = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp']
  a.push('--tmpfs', '/var')
  for (const e of view.varEntries) {
    const p = `/var/${e.name}`
    if (e.link !== undefined) a.push('--symlink', e.link, p)
    else a.push('--ro-bind', p, p)
  }
  a.push('--tmpfs', '/var/tmp')
  for (const p of view.tmpExposed) a.push('--ro-bind', p, p)
  if (view.home) {
    a.push('--tmpfs', view.home)
    for (const p of view.homeExposed) a.push('--ro-bind', p, p)
  }
  for (const p of view.hiddenDirs) a.push('--tmpfs', p)
  for (const p of view.hiddenFiles) a.push('--ro-bind', '/dev/null', p)
  a.push(box.writable ? '--bind' : '--ro-bind', box.dir, box.dir)
  if (box.secretsDir) a.push('--dir', '/var/openfaas', '--ro-bind', box.secretsDir, SANDBOX_SECRETS_PATH)
  a.push('--chdir', box.dir, '--unshare-pid', '--unshare-ipc', '--die-with-parent', '--cap-drop', 'ALL')
  return a
}

/** Undefined when `bwrap` can build a sandbox here; else what went wrong (e.g. no user namespaces). */
export function probeBubblewrap(bwrap: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--die-with-parent', '--', 'true'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 2000) err += c
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.on('error', (e) => {
      clearTimeout(timer)
      resolve(e.message)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve(code === 0 ? undefined : err.trim().split('\n')[0] || `exit code ${code}`)
    })
  })
}
