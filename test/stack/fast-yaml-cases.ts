/**
 * Deterministic, mostly-valid stack files in many styles for the fast-reader differential test:
 * every field gets the shape the model wants (so documents get past validation and the fast
 * reader really builds them), written with varied indentation, compact and indented lists,
 * flow collections, anchors/aliases/merges, comments, blank lines, trailing spaces, CRLF,
 * quoting and escapes, and scalars that look like numbers, bools, nulls or YAML syntax.
 * Mutation fuzzing (fuzz-cases.ts) rarely produces such documents.
 */
import {mulberry32} from './fuzz-cases.js'

const STRINGS = [
  'api', 'node20', 'ghcr.io/acme/fn:1.2', './handler', 'a b', 'é', '日本語', 'linux/amd64,linux/arm64', '1', '1.0', '0x1F', '1e3', '-1', '--flag', 'true',
  'yes', 'on', 'a:b', 'http://x:8080/a#frag', 'a#b', 'x,y', 'a[0]', 'b]', 'a}', 'a{b}', 'foo "bar"', "it's", '100%', 'a@b', 'a|b', 'a>b', 'a*b', 'a&b',
  'a!b', 'a?b', 'a  b', '\u00a0x', 'x\u00a0', '2024-01-02', '12:30:00', '+1', '=', '<<', '.inf', 'node.platform.os == linux', 'a=b=c',
  "'quoted'", "'it''s'", "''", "' a '", '"dq"', '"a \\" b"', '"a\\\\b"', '"a\\nb"', '"\\t"', '"\\x41"', '"\\u00e9"', '"\\/"', '"\\ "', '"\\N\\_\\L\\P"',
  '"\\0\\a\\b\\v\\f\\r\\e"', '""', '" a "', '"a # b"', '"a: b"', '"<<"', "'#'", '"[x]"', '~', 'null', 'Null', '',
]
const BOOLS = ['true', 'false', 'True', 'FALSE', 'yes', 'no', 'on', 'off', 'Y', 'n', 'ON', 'Off', '~', '']
const KEYS = [
  'A', 'MODE', 'write_timeout', 'com.openfaas.scale.min', 'nvidia.com/gpu', 'memory', 'cpu', 'topic', 'GO111MODULE', '1', '2.50', 'true', 'a b', '-x', 'é',
  '__proto__', 'constructor', '"quoted"', "'single'", '"k\\"q"', "'k''q'", '"<<"', '"a:b"', 'a:b', 'a#b', '~', 'null',
]
type Kind = 'string' | 'bool' | 'map' | 'list' | 'any'
const FIELDS: Record<string, Kind> = {
  lang: 'string', handler: 'string', image: 'string', fprocess: 'string', namespace: 'string', platforms: 'string',
  skip_build: 'bool', readonly_root_filesystem: 'bool',
  environment: 'map', labels: 'map', annotations: 'map', build_args: 'map', build_secrets: 'map', limits: 'map', requests: 'map',
  secrets: 'list', constraints: 'list', environment_file: 'list', build_options: 'list',
  unknown_key: 'any', 'x-y': 'any',
}

/** One generated stack text for `seed`. */
export function styledStack(seed: number): string {
  const rand = mulberry32(seed * 7919 + 17)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]
  const chance = (p: number): boolean => rand() < p
  const step = pick([2, 2, 2, 4, 1, 3])
  const pad = (n: number): string => ' '.repeat(n)
  const lines: string[] = []
  const anchors = {map: [] as string[], list: [] as string[], scalar: [] as string[]}
  let anchorCount = 0

  const comment = (): string => (chance(0.04) ? pick([' # c', ' #', ' # a: b', '  # - x']) : '') + (chance(0.03) ? pick([' ', '   ']) : '')
  const noise = (): void => {
    if (chance(0.04)) lines.push('')
    if (chance(0.03)) lines.push(pad(Math.floor(rand() * 8)) + '# comment: x')
    if (chance(0.01)) lines.push(pad(Math.floor(rand() * 8)))
  }
  const anchor = (kind: keyof typeof anchors): string => {
    const name = pick(['a', 'b', 'base', `env-${anchorCount++}`, 'x.1', 'common'])
    anchors[kind].push(name)
    return name
  }
  const scalar = (kind: 'string' | 'bool'): string => {
    if (anchors.scalar.length && chance(0.05)) return `*${pick(anchors.scalar)}`
    const v = kind === 'bool' ? pick(BOOLS) : pick(STRINGS)
    return v !== '' && chance(0.05) ? `&${anchor('scalar')} ${v}` : v
  }

  /** `head key:` and a value of `kind`; `indent` is the key's column. */
  const field = (head: string, indent: number, key: string, kind: Kind): void => {
    if (kind === 'any') kind = pick(['string', 'map', 'list'] as const)
    if (kind === 'string' || kind === 'bool') {
      const v = scalar(kind)
      lines.push(`${head}${key}:${v === '' ? '' : ' ' + v}${comment()}`)
    } else if (kind === 'map') {
      const style = rand()
      if (style < 0.1 && anchors.map.length) lines.push(`${head}${key}: *${pick(anchors.map)}${comment()}`)
      else if (style < 0.25) {
        const used = new Set<string>()
        const pairs: string[] = []
        for (let i = Math.floor(rand() * 3); i > 0; i--) {
          const k = pick(['A', 'B', 'C', '"q k"', "'s'", '1', 'é'])
          if (used.has(k)) continue
          used.add(k)
          pairs.push(`${k}: ${pick(['v', '1', 'true', '"x y"', "'z'", '~', 'a b', 'é'])}`)
        }
        if (anchors.map.length && chance(0.2)) pairs.unshift(`<<: *${pick(anchors.map)}`)
        lines.push(`${head}${key}: ${chance(0.5) ? `&${anchor('map')} ` : ''}{${pairs.join(pick([', ', ',', ' , ']))}}${comment()}`)
      } else {
        const name = chance(0.1) ? `env-${anchorCount++}` : undefined
        lines.push(`${head}${key}:${name ? ` &${name}` : ''}${comment()}`)
        const sub = indent + step
        const used = new Set<string>()
        for (let i = 1 + Math.floor(rand() * 4); i > 0; i--) {
          noise()
          if (anchors.map.length && chance(0.1)) {
            const merge = chance(0.7) ? `*${pick(anchors.map)}` : `[${anchors.map.slice(-2).map((a) => `*${a}`).join(', ')}]`
            lines.push(`${pad(sub)}<<: ${merge}`)
            continue
          }
          const k = chance(0.7) ? pick(KEYS.slice(0, 10)) : pick(KEYS)
          if (used.has(k) && chance(0.9)) continue
          used.add(k)
          field(pad(sub), sub, k, chance(0.97) ? 'string' : pick(['map', 'list'] as const))
        }
        // an anchor can be used once its node is complete
        if (name) anchors.map.push(name)
      }
    } else {
      const style = rand()
      if (style < 0.1 && anchors.list.length) lines.push(`${head}${key}: *${pick(anchors.list)}`)
      else if (style < 0.3) {
        const items = Array.from({length: Math.floor(rand() * 4)}, () => pick(['a', 'b c', '~', '"q"', "'s'", '1', 'é', '-x', 'http//x', anchors.scalar[0] ? `*${anchors.scalar[0]}` : 'z']))
        lines.push(`${head}${key}: ${chance(0.1) ? `&${anchor('list')} ` : ''}[${items.join(pick([', ', ',', ' , ']))}]${comment()}`)
      } else {
        const name = chance(0.1) ? `env-${anchorCount++}` : undefined
        lines.push(`${head}${key}:${name ? ` &${name}` : ''}${comment()}`)
        const sub = chance(0.35) && !name ? indent : indent + step
        for (let i = 1 + Math.floor(rand() * 3); i > 0; i--) {
          noise()
          const v = chance(0.05) ? '' : scalar('string')
          lines.push(`${pad(sub)}-${v === '' ? '' : pick([' ', ' ', '  ']) + v}${comment()}`)
        }
        if (name) anchors.list.push(name)
      }
    }
    noise()
  }

  if (chance(0.8)) lines.push(pick(['version: 1.0', 'version: 1.0', 'version: "1.0"', "version: '1.0'", 'version:', 'version: 2.0']))
  if (chance(0.85)) {
    lines.push('provider:', `${pad(step)}name: ${pick(['openfaas', 'openfaas', 'openfaas', '"openfaas"', "'openfaas'", 'faas'])}`)
    if (chance(0.6)) lines.push(`${pad(step)}gateway: ${pick(['http://127.0.0.1:8080', '"http://x"', '~', 'https://gw.example.com'])}${comment()}`)
  } else lines.push(pick(['provider: {name: openfaas}', 'provider: {name: openfaas, gateway: "http://x"}', 'provider: {name: "openfaas"}']))
  noise()
  const fieldNames = Object.keys(FIELDS)
  if (chance(0.4)) {
    lines.push('x-common: &common')
    for (let i = 0; i < 1 + Math.floor(rand() * 3); i++) field(pad(step), step, fieldNames[i * 3], FIELDS[fieldNames[i * 3]])
    anchors.map.push('common')
  }
  lines.push('functions:' + comment())
  for (let i = 1 + Math.floor(rand() * 4), n = 0; n < i; n++) {
    const name = chance(0.93) ? `fn-${n}` : pick(['"quoted fn"', "'q'", '123', 'é-fn', 'true', 'a.b'])
    lines.push(`${pad(step)}${name}:${comment()}`)
    if (chance(0.05)) continue
    const indent = step * 2
    if (anchors.map.includes('common') && chance(0.5)) lines.push(`${pad(indent)}<<: *common`)
    for (const f of fieldNames.filter(() => chance(0.4))) field(pad(indent), indent, f, FIELDS[f])
  }
  if (chance(0.3)) {
    lines.push('configuration:', `${pad(step)}templates:`)
    const indent = chance(0.5) ? step : step * 2
    for (let i = 1 + Math.floor(rand() * 2); i > 0; i--) {
      if (chance(0.15)) {
        lines.push(`${pad(indent)}-`, `${pad(indent + step)}name: ${pick(STRINGS)}`)
        continue
      }
      const dash = `${pad(indent)}-${pick([' ', ' ', '   '])}`
      lines.push(`${dash}name: ${pick(STRINGS)}`)
      if (chance(0.6)) lines.push(`${pad(dash.length)}source: ${pick(['https://github.com/x/y', '"https://x"', 'https://x#main'])}`)
    }
    if (chance(0.5)) lines.push(`${pad(step)}copy: ${pick(['[./a]', '[./a, ./b]', '~', ''])}`)
  }
  const text = lines.join('\n') + (chance(0.8) ? '\n' : '')
  return chance(0.05) ? text.replaceAll('\n', '\r\n') : text
}
