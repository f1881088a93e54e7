/**
 * Deterministic fuzz inputs for the stack engine: mutations of valid stack files plus random
 * bytes, from a fixed seed, shared by the in-process fuzz test and the CLI sample.
 */
import {envsubst} from '../../src/stack/envsubst.js'
import {parseStack} from '../../src/stack/parse.js'
import {selectFunctions} from '../../src/stack/select.js'
import type {Stack} from '../../src/stack/types.js'

export const FUZZ_SEED = 0x5eed2024
export const FUZZ_ENV: Record<string, string> = {REGISTRY: 'ghcr.io/acme', TAG: '1.2.3', MODE: 'prod', EMPTY: ''}

/** mulberry32: a tiny, well-distributed 32-bit PRNG. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEEDS = [
  `version: 1.0
provider:
  name: openfaas
  gateway: \${GATEWAY:-http://127.0.0.1:8080}
functions:
  rich-fn:
    lang: node20
    handler: ./rich-fn
    image: \${REGISTRY:-ghcr.io/example}/rich-fn:\${TAG:-latest}
    namespace: staging
    environment:
      write_timeout: 10s
      MODE: \${MODE}
      COUNT: 3
    environment_file:
      - env.yml
    secrets:
      - api-key
      - db-password
    labels:
      com.openfaas.scale.min: "2"
    annotations:
      topic: orders
    limits:
      memory: 256Mi
      cpu: 500m
    requests:
      memory: 128Mi
    constraints:
      - "node.platform.os == linux"
    readonly_root_filesystem: true
  plain-fn:
    lang: dockerfile
    handler: ./plain-fn
    image: ghcr.io/example/plain-fn:latest
    fprocess: cat
`,
  `version: "1.0"
provider: {name: openfaas}
x-common: &common
  lang: python3
  labels: {team: data}
functions:
  api-users:
    <<: *common
    image: acme/api-users:\${TAG}
  api-orders:
    <<: [*common]
    image: acme/api-orders
    skip_build: yes
  worker:
    image: acme/worker
    build_args: {GO111MODULE: on, CGO: 0}
    build_options: [dev]
configuration:
  templates:
    - name: golang-middleware
      source: https://github.com/openfaas/golang-http-template
  copy: [./common]
`,
  `provider:
  name: openfaas
functions:
  a: {image: "x/\${EMPTY:-a}", lang: Dockerfile, secrets: [s1, s2]}
  b:
    image: 'y/b:\${#TAG}'
    fprocess: >-
      python
      index.py
    environment:
      SCRIPT: |
        echo "\${MODE^^}"
        $$HOME
`,
]

const ALPHABET = [
  ':', ' ', '  ', '\n', '-', '- ', '{', '}', '[', ']', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`', '?', '<<', '\t',
  '${', '${X', '}', '$$', '$', '~', 'null', 'true', '1.0', '0x1F', 'a', 'fn', 'image', 'lang', 'functions', 'provider', 'name',
  'openfaas', 'secrets', '\\', '\r\n', '\u00e9', '\ud83d\ude00', '---', '...', '&a ', '*a', ':-', '/', '^^',
]

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]
}

function randomBytesText(rand: () => number, max: number): string {
  const bytes = Buffer.alloc(Math.floor(rand() * max))
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256)
  return bytes.toString('utf8')
}

function mutate(rand: () => number, text: string): string {
  const rounds = 1 + Math.floor(rand() * 4)
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(rand() * (text.length + 1))
    const lines = text.split('\n')
    switch (Math.floor(rand() * 10)) {
      case 0: // delete a range
        text = text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(rand() * 20)))
        break
      case 1: // insert significant tokens
      case 2:
        text = text.slice(0, at) + pick(rand, ALPHABET) + text.slice(at)
        break
      case 3: {
        // duplicate a line (duplicate keys)
        const i = Math.floor(rand() * lines.length)
        lines.splice(i, 0, lines[i])
        text = lines.join('\n')
        break
      }
      case 4: {
        // swap two lines
        const i = Math.floor(rand() * lines.length)
        const j = Math.floor(rand() * lines.length)
        ;[lines[i], lines[j]] = [lines[j], lines[i]]
        text = lines.join('\n')
        break
      }
      case 5: {
        // change indentation of a line
        const i = Math.floor(rand() * lines.length)
        lines[i] = rand() < 0.5 ? ' '.repeat(1 + Math.floor(rand() * 3)) + lines[i] : lines[i].replace(/^ {1,2}/, '')
        text = lines.join('\n')
        break
      }
      case 6: // truncate
        text = text.slice(0, at)
        break
      case 7: // random bytes in the middle
        text = text.slice(0, at) + randomBytesText(rand, 12) + text.slice(at)
        break
      case 8: {
        // replace a value with another shape
        const i = Math.floor(rand() * lines.length)
        lines[i] = lines[i].replace(/:\s.*$/, ': ' + pick(rand, ['[a, b]', '{k: v}', '1', 'true', '~', '"q"', '*a', '&a x', '|', 'x: y', '- z']))
        text = lines.join('\n')
        break
      }
      default: {
        // repeat a slice (nesting, repeated anchors)
        const len = Math.floor(rand() * 40)
        text = text.slice(0, at) + text.slice(at, at + len).repeat(1 + Math.floor(rand() * 3)) + text.slice(at + len)
      }
    }
  }
  return text
}

export interface FuzzCase {
  index: number
  text: string
  filter?: string
  regex?: string
}

/** `count` cases: ~85% mutations of the valid seeds, ~15% random bytes; some with --filter/--regex. */
export function fuzzCases(count: number, seed = FUZZ_SEED): FuzzCase[] {
  const rand = mulberry32(seed)
  const cases: FuzzCase[] = []
  for (let index = 0; index < count; index++) {
    const text = rand() < 0.15 ? randomBytesText(rand, 400) : mutate(rand, pick(rand, SEEDS))
    const c: FuzzCase = {index, text}
    const sel = rand()
    if (sel < 0.1) c.filter = pick(rand, ['*', 'api-*', '*-fn', 'nomatch', ''])
    else if (sel < 0.2) c.regex = pick(rand, ['fn$', '^a', '[', '(?i)API', '.*', ''])
    else if (sel < 0.22) {
      c.filter = 'a*'
      c.regex = 'a'
    }
    cases.push(c)
  }
  return cases
}

/** The CLI's in-process path for a stack text: envsubst → parse + validate → select. */
export function runStackPipeline(c: FuzzCase, source = 'stack.yml'): Stack {
  return selectFunctions(parseStack(envsubst(c.text, FUZZ_ENV, source), source), c.filter, c.regex)
}
