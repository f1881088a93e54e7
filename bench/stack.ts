/**
 * Stack engine benchmark: generated 1,000-function stack files, a typical one and a rich one,
 * run through the same path the CLI takes (envsubst → parse + validate → --filter), in process.
 * Both shapes are timed side by side (each round runs every measurement once, in turn, so
 * machine noise hits them alike) and reported as medians in ms against the issue's target
 * (< 50 ms for the whole path), with the parse step alone and the `yaml` package's parse of the
 * same text (what the reader used before js-yaml) for scale.
 *
 *   node dist/bench/stack.js
 */
import {pathToFileURL} from 'node:url'

import {envsubst} from '../src/stack/envsubst.js'
import {parse as parseWithYamlPackage} from 'yaml'

import {parseStack} from '../src/stack/parse.js'
import {selectFunctions} from '../src/stack/select.js'
import {median} from './util.js'
import type {Figure} from './util.js'

/** The issue's target for the whole path on a 1,000-function stack. */
const TARGET_MS = 50

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

/** Rounds measured (after WARMUP_ROUNDS); the median of each measurement is reported. */
const ROUNDS = 15
const WARMUP_ROUNDS = 3

/**
 * Time several in-process measurements side by side: each round runs every one once, in turn.
 * Returns the median ms of each, rounded to 0.01 ms.
 */
function timeSideBySide(measurements: Record<string, () => void>, rounds: number): Record<string, number> {
  const samples: Record<string, number[]> = {}
  for (const name of Object.keys(measurements)) samples[name] = []
  for (let round = -WARMUP_ROUNDS; round < rounds; round++) {
    for (const [name, fn] of Object.entries(measurements)) {
      const start = process.hrtime.bigint()
      fn()
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (round >= 0) samples[name].push(ms)
    }
  }
  const out: Record<string, number> = {}
  for (const [name, s] of Object.entries(samples)) out[name] = Math.round(median(s) * 100) / 100
  return out
}

/** The CLI's path: envsubst → parse + validate → --filter. */
function loadInProcess(text: string, env: Record<string, string>): number {
  return selectFunctions(parseStack(envsubst(text, env, 'stack.yaml'), 'stack.yaml'), 'api-*').functions.length
}

const SHAPES = ['typical', 'rich'] as const

/** Figures for both shapes, measured in the same rounds; the target applies to both load paths. */
export async function benchStack(): Promise<Figure[]> {
  const env = {TAG: 'v1.2.3', MODE: 'bench'}
  const measurements: Record<string, () => void> = {}
  const labels: Record<string, string> = {}
  for (const shape of SHAPES) {
    const text = generateStack(1000, shape)
    const count = loadInProcess(text, env)
    if (count !== 500) throw new Error(`benchmark stack selected ${count} functions, expected 500`)
    const substituted = envsubst(text, env)
    labels[shape] = `stack 1000 fns ${shape} (${Math.round(text.length / 1024)} KiB)`
    measurements[`${shape} load`] = () => loadInProcess(text, env)
    measurements[`${shape} envsubst`] = () => envsubst(text, env, 'stack.yaml')
    measurements[`${shape} parse`] = () => parseStack(substituted, 'stack.yaml')
  }
  const ms = timeSideBySide(measurements, ROUNDS)
  // timed on its own: its garbage would otherwise land in the rounds above
  const rich = envsubst(generateStack(1000, 'rich'), env)
  const full = timeSideBySide({full: () => parseWithYamlPackage(rich, {merge: true, maxAliasCount: -1})}, 7).full
  const figures: Figure[] = []
  for (const shape of SHAPES) {
    const value = ms[`${shape} load`]
    figures.push({name: `${labels[shape]}: load path, median`, value, unit: 'ms', target: `< ${TARGET_MS} ms`, ok: value < TARGET_MS})
  }
  for (const shape of SHAPES) {
    figures.push(
      {name: `${labels[shape]}: envsubst only`, value: ms[`${shape} envsubst`], unit: 'ms'},
      {name: `${labels[shape]}: parse+validate only`, value: ms[`${shape} parse`], unit: 'ms'},
    )
  }
  figures.push({name: `${labels.rich}: parse with the yaml package (for scale)`, value: full, unit: 'ms'})
  return figures
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`medians of ${ROUNDS} rounds, typical and rich measured side by side`)
  for (const r of await benchStack()) console.log(`${r.name}: ${r.value} ${r.unit}${r.target ? ` (target ${r.target}: ${r.ok ? 'ok' : 'MISSED'})` : ''}`)
}
