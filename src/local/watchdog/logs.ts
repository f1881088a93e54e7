/**
 * Relays a child's stdout/stderr line by line. of-watchdog stops reading a pipe for good after a
 * line longer than log_buffer_size (so the child eventually blocks on a full pipe); we split such
 * a line instead and keep reading.
 */
import type {Readable} from 'node:stream'
import {StringDecoder} from 'node:string_decoder'

export type LogStream = 'stdout' | 'stderr'
/** Where a function's log lines go: the terminal for `faas watchdog`, a log store in the gateway. */
export type LogSink = (stream: LogStream, line: string) => void

export function relayLines(source: Readable, stream: LogStream, sink: LogSink, maxLine: number): void {
  const decoder = new StringDecoder('utf8')
  let pending = ''
  const limit = maxLine > 0 ? maxLine : Number.POSITIVE_INFINITY
  const emit = (line: string) => {
    sink(stream, line.endsWith('\r') ? line.slice(0, -1) : line)
  }
  source.on('data', (chunk: Buffer) => {
    pending += decoder.write(chunk)
    let nl: number
    while ((nl = pending.indexOf('\n')) !== -1) {
      let line = pending.slice(0, nl)
      pending = pending.slice(nl + 1)
      while (line.length > limit) {
        emit(line.slice(0, limit))
        line = line.slice(limit)
      }
      emit(line)
    }
    while (pending.length > limit) {
      emit(pending.slice(0, limit))
      pending = pending.slice(limit)
    }
  })
  source.on('end', () => {
    pending += decoder.end()
    if (pending !== '') emit(pending)
    pending = ''
  })
  source.on('error', () => {})
}
