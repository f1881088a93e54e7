/**
 * Nothing a caller or a function does makes `faas gateway` wait or grow without limit. Before:
 * connections that never finished their headers were kept forever (no header timeout) and
 * 20,000 of them took every file descriptor; a log follower that did not read made the gateway
 * grow by a gigabyte; a classic function answering 600 MB took it to 1.25 GB; the async queue
 * took 2,000 × 250 KB; an over-long JSON body was read to its end before the 413.
 */
import assert from 'node:assert/strict'
import net from 'node:net'
import {after, before, describe, test} from 'node:test'
import {request, waitFor} from '../local/helpers.js'
import {deploy, floodConnections, halfOpen, memoryOf, registerImage, startTestGateway, timedHealthz, type TestGateway, unreadLogFollower} from './helpers.js'

const MiB = 1024 * 1024

describe('connections', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway()
  })
  after(() => gw.stop())

  test('2,000 clients holding half-sent headers: /healthz stays fast and the gateway closes them within 15 s', async () => {
    const started = Date.now()
    const attack = await halfOpen(gw.url, 2000)
    try {
      const times: number[] = []
      for (let i = 0; i < 5; i++) times.push(await timedHealthz(gw.url))
      times.sort((a, b) => a - b)
      assert.ok(times[2] < 100, `median /healthz ${times[2].toFixed(1)} ms while 2,000 connections are held (${times.map((t) => t.toFixed(1)).join(', ')})`)
      await waitFor(() => attack.closedByServer() >= 1800, 15_000 - (Date.now() - started), '90% of the half-open connections closed by the gateway')
    } finally {
      for (const s of attack.sockets) s.destroy()
    }
  })

  test('20,000 such connections do not stop other callers (the oldest waiting ones make room)', async () => {
    const flood = await floodConnections(gw.url, 20_000)
    try {
      const slowest: number[] = []
      await waitFor(async () => {
        slowest.push(await timedHealthz(gw.url))
        return flood.opened() >= 20_000
      }, 60_000, '20,000 connections opened')
      for (let i = 0; i < 5; i++) slowest.push(await timedHealthz(gw.url))
      const list = await gw.system('GET', '/system/functions')
      assert.equal(list.status, 200, 'an API call goes through too')
      assert.ok(Math.max(...slowest) < 2000, `every /healthz answered (slowest ${Math.max(...slowest).toFixed(0)} ms)`)
    } finally {
      flood.stop()
    }
  })

  test('a JSON body larger than the limit gets 413 at once, without being read to its end', async () => {
    const {hostname, port} = new URL(gw.url)
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect(Number(port), hostname, () => {
        s.write(`POST /system/functions HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: ${gw.auth.Authorization}\r\nContent-Type: application/json\r\nContent-Length: ${200 * MiB}\r\n\r\n{"service":`)
      })
      let text = ''
      s.on('data', (c) => {
        text += c
        if (text.includes('\r\n\r\n')) {
          s.destroy()
          resolve(text)
        }
      })
      s.on('error', reject)
      setTimeout(() => reject(new Error('no answer within 3 s')), 3000).unref()
    })
    assert.match(answer, /^HTTP\/1\.1 413 /)
  })
})

describe('buffers and queues', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway()
    const node = process.execPath
    await registerImage(gw, 'loud:latest', {mode: 'http', run: `${node} upstream.cjs`, port_env: 'http_port'})
    await registerImage(gw, 'big:latest', {mode: 'classic', run: 'cat'})
    assert.equal((await deploy(gw, 'loud', 'loud:latest', {envVars: {exec_timeout: '60s', write_timeout: '60s'}})).status, 202)
    assert.equal((await deploy(gw, 'big', 'big:latest', {envProcess: `head -c ${600 * MiB} /dev/zero`})).status, 202)
    assert.equal((await request(`${gw.url}/function/loud/status/200`)).status, 200)
  })
  after(() => gw.stop())

  test('a log follower that never reads while the function writes 60 MB: the gateway grows < 50 MB and drops it', async () => {
    // warm-up: the heap the log pipeline needs with or without a follower is not the follower's
    for (let i = 0; i < 10; i++) await request(`${gw.url}/function/loud/flood/1000`)
    const follower = await unreadLogFollower(gw, 'loud')
    const before = memoryOf(gw.child.pid!)
    // 60 requests × 1 MB of log lines each (1,000 lines of 1 KB)
    for (let i = 0; i < 60; i++) {
      const r = await request(`${gw.url}/function/loud/flood/1000`)
      assert.equal(r.status, 200)
    }
    const afterFlood = memoryOf(gw.child.pid!)
    // now read: a follower the gateway kept would get the whole 60 MB; a dropped one gets what
    // was in flight, then the end
    let received = 0
    const ended = new Promise<boolean>((resolve) => {
      follower.on('data', (c: Buffer) => (received += c.length))
      follower.on('close', () => resolve(true))
      setTimeout(() => resolve(false), 5000).unref()
    })
    follower.resume()
    assert.ok(await ended, 'the follower that did not read was dropped')
    assert.ok(received < 20 * MiB, `it got ${(received / MiB).toFixed(1)} MiB, not the whole flood`)
    const grew = afterFlood.peak - before.rss
    assert.ok(grew < 50 * MiB, `the gateway grew by ${(grew / MiB).toFixed(1)} MiB`)
  })

  test('a classic function answering 600 MB: a clear 500, the gateway stays small', async () => {
    const before = memoryOf(gw.child.pid!)
    const r = await request(`${gw.url}/function/big`, {method: 'POST', body: '', timeoutMs: 60_000})
    assert.equal(r.status, 500)
    assert.match(r.text, /function output exceeded \d+ bytes/)
    const grew = memoryOf(gw.child.pid!).peak - before.rss
    assert.ok(grew < 100 * MiB, `the gateway grew by ${(grew / MiB).toFixed(1)} MiB`)
  })

  test('the async queue is bounded: 2,000 × 250 KB get 202 until it is full, then 429', async () => {
    const body = Buffer.alloc(250_000, 97)
    const before = memoryOf(gw.child.pid!)
    const statuses = new Map<number, number>()
    for (let i = 0; i < 2000; i += 50) {
      const batch = await Promise.all(Array.from({length: 50}, () => request(`${gw.url}/async-function/loud/sleep/20000`, {method: 'POST', body})))
      for (const r of batch) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
    }
    const accepted = statuses.get(202) ?? 0
    assert.ok(accepted > 0 && accepted <= 140, `202 for ${accepted} calls`)
    assert.equal(accepted + (statuses.get(429) ?? 0), 2000, JSON.stringify([...statuses]))
    const grew = memoryOf(gw.child.pid!).peak - before.rss
    assert.ok(grew < 150 * MiB, `the gateway grew by ${(grew / MiB).toFixed(1)} MiB`)
  })
})
