/**
 * Stack engine benchmark: a generated 1,000-function stack file run through the same path the
 * CLI takes (envsubst → parse + validate → --filter), in process. Reports medians in ms
 * (target: < 100 ms for the whole path).
 *
 *   node dist/bench/stack.js
 */
import {pathToFileURL} from 'node:url'

import {envsubst} from '../src/stack/envsubst.js'
import {parseStack} from '../src/stack/parse.js'
import {selectFunctions} from '../src/stack/select.js'
import {median} from './util.js'
import type {Figure} from './util.js'

/** The issue's target for the whole path on a 1,000-function stack. */
const TARGET_MS = 100

/**
 * A generated stack. `typical` functions look like what `faas new` writes plus a little
 * environment and a secret (~11 lines each); `rich` ones carry every common field (~24 lines:
 * environment, secrets, annotations, limits, requests, build args) — a file twice the size.
 * Both use a `<<` merge of shared settings and ${VAR:-default} substitutions.
 */
export function generateStack(functions: number, shape: 'typical' | 'rich' = 'typical'): string {
  const lines = [
    'version: 1.0',
    'provider:',
    '  name: openfaas',
    '  gateway: ${OPENFAAS_URL:-http://127.0.0.1:8080}',
    'x-common: &common',
    '  lang: node20',
    '  labels:',
    '    com.openfaas.scale.min: "1"',
    '    team: platform',
    'functions:',
  ]
  for (let i = 0; i < functions; i++) {
    const name = `${i % 2 === 0 ? 'api' : 'worker'}-${i}`
    lines.push(
      `  ${name}:`,
      '    <<: *common',
      `    handler: ./functions/${name}`,
      `    image: \${REGISTRY:-ghcr.io/example}/${name}:\${TAG:-latest}`,
      '    environment:',
    )
    if (shape === 'typical') {
      lines.push(`      MODE: \${MODE:-production}`, `      INDEX: ${i}`, '    secrets:', '      - api-key', '')
      continue
    }
    lines.push(
      '      write_timeout: 10s',
      '      read_timeout: 10s',
      `      MODE: \${MODE:-production}`,
      `      INDEX: ${i}`,
      '      RATIO: 1.5',
      '      DEBUG: false',
      '    secrets:',
      '      - api-key',
      '      - db-password',
      '    annotations:',
      `      description: "function number ${i}"`,
      '    limits:',
      '      memory: 256Mi',
      '      cpu: 500m',
      '    requests:',
      '      memory: 128Mi',
      '      cpu: 100m',
      '    build_args:',
      '      GO111MODULE: on',
      '',
    )
  }
  return lines.join('\n')
}

function time(runs: number, fn: () => void): number {
  for (let i = 0; i < 3; i++) fn() // warm up
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    fn()
    samples.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  return Math.round(median(samples) * 100) / 100
}

/** The CLI's path: envsubst → parse + validate → --filter. */
function loadInProcess(text: string, env: Record<string, string>): number {
  return selectFunctions(parseStack(envsubst(text, env, 'stack.yaml'), 'stack.yaml'), 'api-*').functions.length
}

/**
 * Figures for both shapes. The target applies to the typical file; the rich one (2.3x the text)
 * is reported for scale: nearly all of its time is the `yaml` library's own parser.
 */
export async function benchStack(): Promise<Figure[]> {
  const env = {TAG: 'v1.2.3', MODE: 'bench'}
  const results: Figure[] = []
  for (const shape of ['typical', 'rich'] as const) {
    const text = generateStack(1000, shape)
    const count = loadInProcess(text, env)
    if (count !== 500) throw new Error(`benchmark stack selected ${count} functions, expected 500`)
    const substituted = envsubst(text, env)
    const full = time(15, () => loadInProcess(text, env))
    const subst = time(15, () => envsubst(text, env, 'stack.yaml'))
    const parse = time(15, () => parseStack(substituted, 'stack.yaml'))
    const size = `${Math.round(text.length / 1024)} KiB`
    const target = shape === 'typical' ? {target: `< ${TARGET_MS} ms`, ok: full < TARGET_MS} : {}
    results.push(
      {name: `stack 1000 fns ${shape} (${size}): load path, median`, value: full, unit: 'ms', ...target},
      {name: `stack 1000 fns ${shape} (${size}): envsubst only`, value: subst, unit: 'ms'},
      {name: `stack 1000 fns ${shape} (${size}): parse+validate only`, value: parse, unit: 'ms'},
    )
  }
  return results
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await benchStack()) console.log(`${r.name}: ${r.value} ${r.unit}${r.target ? ` (target ${r.target}: ${r.ok ? 'ok' : 'MISSED'})` : ''}`)
}
