/**
 * Start-up: `faas --version`, `faas version --short-version` and a command that loads the whole
 * CLI (`faas secret generate`, if present, else `faas logout --help`), against `node -e 0`, side
 * by side with NODE_EXTRA_CA_CERTS unset for all.
 */
import {type Figure, binPath, timeSideBySide} from './util.js'

export async function benchStartup(rounds = 30): Promise<Figure[]> {
  const node = process.execPath
  const t = timeSideBySide({
    node: {cmd: node, args: ['-e', '0']},
    version: {cmd: node, args: [binPath, '--version']},
    short: {cmd: node, args: [binPath, 'version', '--short-version']},
    full: {cmd: node, args: [binPath, 'logout', '--help']},
  }, rounds)
  const ratio = (x: number) => Math.round((x / t.node) * 100) / 100
  return [
    {name: 'node -e 0 (median ms)', value: Math.round(t.node * 10) / 10, unit: 'ms'},
    {name: 'faas --version / node -e 0', value: ratio(t.version), unit: 'x', target: '<= 3.0x', ok: t.version / t.node <= 3},
    {name: 'faas version --short-version / node -e 0', value: ratio(t.short), unit: 'x', target: '<= 3.0x', ok: t.short / t.node <= 3},
    {name: 'faas logout --help (full oclif load) / node -e 0', value: ratio(t.full), unit: 'x'},
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await benchStartup()) console.log(`${f.name}: ${f.value}${f.unit}${f.target ? ` (target ${f.target})` : ''}`)
}
