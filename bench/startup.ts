/**
 * Start-up: `faas --help`, `faas logout --help`, and `faas list`, `faas describe x` and
 * `faas secret list` against a gateway port where nothing listens (they fail fast), each against
 * `node -e 0`, side by side, NODE_EXTRA_CA_CERTS unset for all (target ≤ 3.0×, median). With
 * `npm run bench -- --compare CLI` the same commands are also timed with the other CLI.
 */
import {pathToFileURL} from 'node:url'

import {benchStartupCompare, printFigure} from './compare.js'
import type {Figure} from './util.js'

export async function benchStartup(rounds = 15): Promise<Figure[]> {
  return benchStartupCompare(undefined, rounds)
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await benchStartup()) printFigure(f)
}
