import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {createProgress, LiveProgress, PlainProgress, wantsLiveView} from '../../src/build/progress.js'
import {TextSink} from './helpers.js'

/** What a terminal would show after the ANSI cursor-up / clear-below sequences. */
function screen(raw: string): string[] {
  const lines: string[] = []
  const tokens = raw.split(/(\x1b\[\d+A\x1b\[0J)/)
  for (const t of tokens) {
    const up = /^\x1b\[(\d+)A\x1b\[0J$/.exec(t)
    if (up) {
      lines.splice(lines.length - Number(up[1]))
      continue
    }
    const parts = t.split('\n')
    parts.pop()
    lines.push(...parts)
  }
  return lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''))
}

describe('progress output', () => {
  it('plain: faas-cli lines, engine output prefixed when parallel', () => {
    const sink = new TextSink()
    const p = new PlainProgress({stream: sink, parallel: 2})
    p.start({name: 'a', worker: 1, verb: 'Building'})
    p.output('a', 'step 1')
    p.end('a', 'done', 1.234)
    p.workerDone(1)
    p.close('\nTotal build time: 1.30s')
    assert.equal(sink.text, '[1] > Building a.\na | step 1\n[1] < Building a done in 1.23s.\n[1] Worker done.\n\nTotal build time: 1.30s\n')
  })

  it('live: one row per function, redrawn in place, logs stay above', async () => {
    const sink = new TextSink()
    const p = new LiveProgress({stream: sink, parallel: 2})
    p.start({name: 'alpha', worker: 0, verb: 'Building'})
    p.start({name: 'beta', worker: 1, verb: 'Building'})
    p.output('alpha', 'Step 3/7 : RUN npm ci')
    p.log('Pulled templates: [node20]')
    p.end('beta', 'up to date', 0.01)
    p.end('alpha', 'failed', 2)
    p.close('done.')
    const shown = screen(sink.text)
    assert.equal(shown[0], 'Pulled templates: [node20]')
    assert.match(shown[1], /^✔ beta\s+0\.01s {2}up to date$/)
    assert.match(shown[2], /^✖ alpha\s+2\.00s {2}Step 3\/7 : RUN npm ci$/)
    assert.equal(shown[3], 'done.')
    assert.equal(shown.length, 4)
  })

  it('results (the image built) go to their own stream, also from the live view, and stay on screen', () => {
    const plainOut = new TextSink()
    const plainErr = new TextSink()
    const plain = new PlainProgress({stream: plainErr, out: plainOut, parallel: 1})
    plain.start({name: 'a', worker: 0, verb: 'Building'})
    plain.result('a', 'Image: me/a:latest built.')
    plain.end('a', 'done', 1)
    assert.equal(plainOut.text, 'Image: me/a:latest built.\n')
    assert.doesNotMatch(plainErr.text, /Image:/)

    const out = new TextSink()
    const err = new TextSink()
    const live = new LiveProgress({stream: err, out, parallel: 2})
    live.start({name: 'alpha', worker: 0, verb: 'Building'})
    live.start({name: 'beta', worker: 1, verb: 'Building'})
    live.result('alpha', 'Image: me/alpha:latest built.')
    live.end('alpha', 'done', 1)
    live.result('beta', 'Image: me/beta:latest built. (up to date)')
    live.end('beta', 'up to date', 0.1)
    live.close()
    assert.equal(out.text, 'Image: me/alpha:latest built.\nImage: me/beta:latest built. (up to date)\n')

    // one terminal for both streams: the result lines are not drawn over
    const tty = new TextSink()
    const both = new LiveProgress({stream: tty, out: tty, parallel: 2})
    both.start({name: 'alpha', worker: 0, verb: 'Building'})
    both.start({name: 'beta', worker: 1, verb: 'Building'})
    both.result('alpha', 'Image: me/alpha:latest built.')
    both.end('alpha', 'done', 1)
    both.close()
    const shown = screen(tty.text)
    assert.equal(shown[0], 'Image: me/alpha:latest built.')
    assert.match(shown[1], /^✔ alpha\s+1\.00s {2}done$/)
  })

  it('live: the redrawn area holds only running functions', () => {
    const sink = new TextSink()
    const p = new LiveProgress({stream: sink, parallel: 2})
    for (let i = 0; i < 50; i++) {
      p.start({name: `fn-${i}`, worker: i % 2, verb: 'Building'})
      p.end(`fn-${i}`, 'done', 0.1)
    }
    p.start({name: 'last', worker: 0, verb: 'Building'})
    p.close()
    const shown = screen(sink.text)
    assert.equal(shown.length, 51, '50 finished lines kept, one live row')
    assert.match(shown[50], /last/)
  })

  it('live: NO_COLOR turns the colours off (the cursor still moves)', () => {
    for (const env of [{NO_COLOR: '1'}, {}]) {
      const sink = new TextSink()
      const p = new LiveProgress({stream: sink, parallel: 2, env})
      p.start({name: 'ok', worker: 0, verb: 'Building'})
      p.start({name: 'bad', worker: 1, verb: 'Building'})
      p.end('ok', 'done', 1)
      p.end('bad', 'failed', 1)
      p.close()
      const colours = sink.text.match(/\x1b\[[0-9;]*m/g) ?? []
      if (env.NO_COLOR) assert.deepEqual(colours, [], 'no colour codes with NO_COLOR')
      else assert.ok(colours.length > 0, 'colours without NO_COLOR')
      assert.deepEqual(screen(sink.text).map((l) => l.slice(0, 2)), ['✔ ', '✖ '])
    }
  })

  it('live: columns line up for names of different lengths, finished or running', () => {
    const sink = new TextSink()
    const names = ['a', 'a-much-longer-function-name', 'mid-size']
    const p = new LiveProgress({stream: sink, parallel: 2, names, env: {NO_COLOR: '1'}})
    p.start({name: 'a', worker: 0, verb: 'Building'})
    p.end('a', 'done', 1.5)
    p.start({name: 'a-much-longer-function-name', worker: 0, verb: 'Building'})
    p.start({name: 'mid-size', worker: 1, verb: 'Building'})
    p.end('a-much-longer-function-name', 'up to date', 0.01)
    p.output('mid-size', 'Step 1/2')
    p.close()
    const shown = screen(sink.text)
    assert.equal(shown.length, 3, shown.join('\n'))
    const column = shown.map((l) => l.search(/\d+\.\d\ds/))
    assert.ok(column.every((c) => c === column[0] && c > 0), `seconds in one column:\n${shown.join('\n')}`)
    // a name longer than the column is cut, not pushed out of line
    const many = new TextSink()
    const q = new LiveProgress({stream: many, parallel: 2, names: ['x', 'n'.repeat(60)], env: {NO_COLOR: '1'}})
    q.start({name: 'x', worker: 0, verb: 'Building'})
    q.end('x', 'done', 1)
    q.start({name: 'n'.repeat(60), worker: 0, verb: 'Building'})
    q.end('n'.repeat(60), 'done', 1)
    q.close()
    const lines = screen(many.text)
    assert.equal(lines[0].search(/\d\.\d\ds/), lines[1].search(/\d\.\d\ds/), lines.join('\n'))
  })

  it('uses the live view only on a terminal outside CI, with several tasks', () => {
    assert.equal(wantsLiveView({isTTY: true}, {}), true)
    assert.equal(wantsLiveView({isTTY: true}, {CI: 'true'}), false)
    assert.equal(wantsLiveView({isTTY: false}, {}), false)
    const sink = new TextSink()
    assert.ok(createProgress({stream: sink, parallel: 1}) instanceof PlainProgress)
    assert.ok(createProgress({stream: sink, parallel: 4, live: true}) instanceof LiveProgress)
  })
})
