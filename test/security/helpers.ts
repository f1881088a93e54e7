/**
 * Helpers of the security suite: a real `faas gateway` process started with its defaults (as a
 * user starts it), its credentials as the local CLI finds them, requests as an attacker sends
 * them, and the processes a function left behind.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import {type Background, cleanEnv, startInBackground, tempDir} from '../helpers/cli.js'
import {registerTestImage, request, type Reply} from '../local/helpers.js'

/** Credentials and tokens a user typically has in the shell that starts the gateway. */
export const SHELL_SECRETS = {
  AWS_SECRET_ACCESS_KEY: 'aws-secret-do-not-leak',
  GITHUB_TOKEN: 'ghp_do_not_leak_0123456789',
  FAAS_GATEWAY_PASSWORD: 'gateway-password-do-not-leak',
}

export interface TestGateway extends Background {
  dataDir: string
  root: string
  indexPath: string
  env: NodeJS.ProcessEnv
  /** The Authorization header the local CLI would send. */
  auth: Record<string, string>
  /** A /system/* call with credentials and a JSON body. */
  system(method: string, p: string, body?: unknown): Promise<Reply>
}

/**
 * `faas gateway --port 0` with every default (auth on, sandbox auto, 127.0.0.1), its own HOME
 * and image index, and `extraEnv` in its environment.
 */
export async function startTestGateway(opts: {args?: string[]; extraEnv?: NodeJS.ProcessEnv; root?: string; dataDir?: string} = {}): Promise<TestGateway> {
  const root = opts.root ?? tempDir('faas-sec-')
  const indexPath = path.join(root, 'images', 'index.json')
  const dataDir = opts.dataDir ?? path.join(root, 'gateway-data')
  const env = cleanEnv({FAAS_IMAGE_INDEX: indexPath, HOME: path.join(root, 'home'), NO_COLOR: '1', ...opts.extraEnv})
  fs.mkdirSync(env.HOME!, {recursive: true})
  const bg = await startInBackground(['gateway', '--port', '0', '--data-dir', dataDir, ...(opts.args ?? [])], {env, cwd: root})
  let auth: Record<string, string> = {}
  const pwFile = path.join(dataDir, 'basic-auth-password')
  if (fs.existsSync(pwFile)) {
    const password = fs.readFileSync(pwFile, 'utf8').trim()
    auth = {Authorization: 'Basic ' + Buffer.from(`admin:${password}`).toString('base64')}
  }
  return {
    ...bg,
    dataDir,
    root,
    indexPath,
    env,
    auth,
    system: (method, p, body) =>
      request(`${bg.url}${p}`, {
        method,
        headers: {...auth, ...(body === undefined ? {} : {'Content-Type': 'application/json'})},
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  }
}

/** Records a test function (fixture scripts in a fresh folder) under `image` in the gateway's index. */
export function registerImage(gw: {indexPath: string}, image: string, settings: Parameters<typeof registerTestImage>[2]): Promise<string> {
  return registerTestImage(gw.indexPath, image, settings)
}

/** Deploys `service` from `image` (extra deployment fields allowed); resolves with the reply. */
export function deploy(gw: TestGateway, service: string, image: string, extra: Record<string, unknown> = {}): Promise<Reply> {
  return gw.system('POST', '/system/functions', {service, image, labels: {}, annotations: {}, ...extra})
}

/** Pids of live processes whose command line contains `marker` (zombies excluded). */
export function processesWith(marker: string): number[] {
  const out: number[] = []
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue
    try {
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ')
      if (!cmd.includes(marker)) continue
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue
      out.push(Number(name))
    } catch {
      // gone meanwhile
    }
  }
  return out
}

/** Peak and current resident memory of a process, in bytes (Linux). */
export function memoryOf(pid: number): {rss: number; peak: number} {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024
  return {rss: kb('VmRSS'), peak: kb('VmHWM')}
}

/** True when bubblewrap is installed (CI installs it; the sandbox tests need it). */
export function bubblewrapInstalled(): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d && fs.existsSync(path.join(d, 'bwrap')))
}

/** Opens `n` connections that send half a request and then nothing; resolves once all are open. */
export async function halfOpen(url: string, n: number): Promise<{sockets: net.Socket[]; closedByServer: () => number}> {
  const {hostname, port} = new URL(url)
  let closed = 0
  const sockets: net.Socket[] = []
  for (let i = 0; i < n; i += 200) {
    await Promise.all(
      Array.from({length: Math.min(200, n - i)}, () => new Promise<void>((resolve) => {
        const s = net.connect(Number(port), hostname, () => {
          s.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\nX-Slow: `)
          resolve()
        })
        s.on('error', () => resolve())
        // read what the server sends (its 408), so its closing is seen here
        s.resume()
        s.on('close', () => closed++)
        sockets.push(s)
      })),
    )
  }
  return {sockets, closedByServer: () => closed}
}

/** GET /healthz on a new connection; resolves with the time it took (ms). */
export async function timedHealthz(url: string): Promise<number> {
  const t0 = performance.now()
  const r = await request(`${url}/healthz`, {timeoutMs: 5000})
  assert.equal(r.status, 200)
  return performance.now() - t0
}

/**
 * Opens `n` connections that send half a request and stay, from two attacker processes (each
 * holding its own sockets, so the caller keeps its descriptors). `opened()` counts those opened.
 */
export async function floodConnections(url: string, n: number): Promise<{opened: () => number; stop: () => void}> {
  const attacker = `
    const net = require('node:net')
    const [port, n] = [Number(process.argv[1]), Number(process.argv[2])]
    let open = 0, i = 0
    const next = () => {
      if (i >= n) return
      i++
      const s = net.connect(port, '127.0.0.1', () => { s.write('GET / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nX: '); if (++open % 1000 === 0) process.stdout.write(open + '\\n'); next() })
      s.on('error', () => next())
    }
    for (let k = 0; k < 50; k++) next()
    setInterval(() => {}, 1000)
  `
  const port = new URL(url).port
  const half = Math.ceil(n / 2)
  const procs = [0, 1].map(() => spawn(process.execPath, ['-e', attacker, port, String(half)], {stdio: ['ignore', 'pipe', 'inherit']}))
  const opened = procs.map(() => 0)
  procs.forEach((p, k) => p.stdout!.on('data', (c: Buffer) => (opened[k] = Math.max(opened[k], ...String(c).trim().split('\n').map(Number)))))
  return {opened: () => opened[0] + opened[1], stop: () => procs.forEach((p) => p.kill('SIGKILL'))}
}

/** Follows a function's logs and never reads (a paused socket); resolves once the request is sent. */
export async function unreadLogFollower(gw: TestGateway, fn: string): Promise<net.Socket> {
  const {hostname, port} = new URL(gw.url)
  const follower = net.connect(Number(port), hostname, () => {
    follower.write(`GET /system/logs?name=${fn}&follow=true&tail=0 HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: ${gw.auth.Authorization}\r\n\r\n`)
  })
  follower.pause()
  follower.on('error', () => {})
  await new Promise((r) => setTimeout(r, 300))
  return follower
}
