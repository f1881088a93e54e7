/**
 * Accepted asynchronous calls kept on disk until they are done, so a 202 survives a gateway
 * that stops or is killed: `<dataDir>/async/<time>-<seq>-<random>.call`, one file per call: a
 * JSON line (function, path, query, headers, callback URL, body length), then the body's bytes.
 *
 * A call is written (temp file, data synced, renamed) before the 202 is sent and removed once
 * the call and its callback are over; on start the files left are run again, oldest first, so a
 * call the killed gateway was running runs once more (at least once, as with a NATS redelivery).
 * Temp files a killed gateway left behind, and files that can't be read back, are removed.
 */
import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'

export interface StoredAsyncCall {
  ref: string
  sub: string
  query: string
  headers: string[]
  body: Buffer
  callbackUrl?: string
  callId: string
}

const FILE = /^\d{13}-\d{6}-[0-9a-f]{8}\.call$/

export class AsyncStore {
  private seq = 0
  private ready?: Promise<void>

  constructor(readonly dir: string) {}

  private ensureDir(): Promise<void> {
    this.ready ??= fs.mkdir(this.dir, {recursive: true, mode: 0o700}).then(() => {})
    return this.ready
  }

  /** Writes one call; resolves with its file name once it is on disk. */
  async save(call: StoredAsyncCall): Promise<string> {
    await this.ensureDir()
    this.seq = (this.seq + 1) % 1_000_000
    const name = `${String(Date.now()).padStart(13, '0')}-${String(this.seq).padStart(6, '0')}-${randomBytes(4).toString('hex')}.call`
    // one JSON line of metadata, then the body's bytes as they came (no copy, no encoding)
    const {body, ...meta} = call
    const head = Buffer.from(JSON.stringify({v: 2, ...meta, bodyBytes: body.length}) + '\n')
    const file = path.join(this.dir, name)
    const tmp = path.join(this.dir, `.${name}.tmp`)
    try {
      const handle = await fs.open(tmp, 'wx', 0o600)
      try {
        await handle.writev([head, body])
        await handle.datasync()
      } finally {
        await handle.close()
      }
      await fs.rename(tmp, file)
    } catch (err) {
      await fs.rm(tmp, {force: true})
      throw err
    }
    return name
  }

  async remove(name: string): Promise<void> {
    if (FILE.test(name)) await fs.rm(path.join(this.dir, name), {force: true})
  }

  /** The calls left by an earlier gateway, oldest first; leftovers that aren't calls are removed. */
  async load(onDropped: (name: string, why: string) => void = () => {}): Promise<Array<{name: string; call: StoredAsyncCall}>> {
    let names: string[]
    try {
      names = await fs.readdir(this.dir)
    } catch {
      return []
    }
    const out: Array<{name: string; call: StoredAsyncCall}> = []
    for (const name of names.sort()) {
      const file = path.join(this.dir, name)
      if (!FILE.test(name)) {
        // a temp file of a write that was cut short (never answered 202), or something foreign
        if (name.startsWith('.') && name.endsWith('.tmp')) await fs.rm(file, {force: true})
        continue
      }
      try {
        out.push({name, call: parseCall(await fs.readFile(file))})
      } catch (err) {
        onDropped(name, (err as Error).message)
        await fs.rm(file, {force: true})
      }
    }
    return out
  }
}

function parseCall(data: Buffer): StoredAsyncCall {
  const nl = data.indexOf(10)
  if (nl === -1) throw new Error('no metadata line')
  const o = JSON.parse(data.subarray(0, nl).toString('utf8')) as Record<string, unknown>
  const str = (k: string) => {
    if (typeof o?.[k] !== 'string') throw new Error(`${k} is missing`)
    return o[k] as string
  }
  if (o?.v !== 2) throw new Error('unknown format')
  const headers = o.headers
  if (!Array.isArray(headers) || headers.length % 2 || !headers.every((h) => typeof h === 'string')) throw new Error('bad headers')
  const cb = o.callbackUrl
  if (cb !== undefined && typeof cb !== 'string') throw new Error('bad callback URL')
  const body = data.subarray(nl + 1)
  if (body.length !== o.bodyBytes) throw new Error('the body is cut short')
  return {ref: str('ref'), sub: str('sub'), query: str('query'), headers, body: Buffer.from(body), callbackUrl: cb, callId: str('callId')}
}
