import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {isFaasError} from '../../src/errors.js'
import {parseEnvironmentFile, parseStack} from '../../src/stack/parse.js'

const HEAD = 'version: 1.0\nprovider:\n  name: openfaas\n'

function parseFails(text: string, pattern: RegExp, source = 'stack.yaml'): Error {
  let caught: unknown
  assert.throws(
    () => parseStack(text, source),
    (err: unknown) => {
      caught = err
      return true
    },
  )
  assert.ok(isFaasError(caught), `expected a FaasError, got ${String(caught)}`)
  const message = (caught as Error).message
  assert.match(message, pattern)
  assert.ok(!message.includes('\n'), `one-line message: ${JSON.stringify(message)}`)
  return caught as Error
}

describe('parseStack: the model (spec §2)', () => {
  it('reads every field of a rich stack into the typed model, functions in file order', () => {
    const stack = parseStack(
      `version: "1.0"
provider:
  name: openfaas
  gateway: http://127.0.0.1:8080
functions:
  rich-fn:
    lang: node20
    handler: ./rich-fn
    image: ghcr.io/example/rich-fn:0.1.0
    fprocess: node index.js
    namespace: staging
    environment:
      write_timeout: 10s
      MODE: prod
    environment_file:
      - env.yml
    secrets:
      - api-key
      - db-password
    skip_build: false
    constraints:
      - "node.platform.os == linux"
    labels:
      com.openfaas.scale.min: "2"
    annotations:
      topic: orders
    limits:
      memory: 256Mi
      cpu: 500m
      nvidia.com/gpu: 1
    requests:
      memory: 128Mi
      cpu: 100m
    readonly_root_filesystem: true
    build_options: [dev]
    build_args:
      GO111MODULE: "on"
    build_secrets:
      token: ./token.txt
    platforms: linux/amd64,linux/arm64
  alpha:
    image: acme/alpha
configuration:
  templates:
    - name: golang-middleware
      source: https://github.com/openfaas/golang-http-template
    - name: node20
  copy:
    - ./common
`,
      'stack.yaml',
    )
    assert.equal(stack.version, '1.0')
    assert.deepEqual(stack.provider, {name: 'openfaas', gateway: 'http://127.0.0.1:8080'})
    assert.equal(stack.source, 'stack.yaml')
    assert.deepEqual(
      stack.functions.map((f) => f.name),
      ['rich-fn', 'alpha'],
    )
    assert.deepEqual(stack.functions[0], {
      name: 'rich-fn',
      lang: 'node20',
      handler: './rich-fn',
      image: 'ghcr.io/example/rich-fn:0.1.0',
      fprocess: 'node index.js',
      namespace: 'staging',
      environment: {write_timeout: '10s', MODE: 'prod'},
      environment_file: ['env.yml'],
      secrets: ['api-key', 'db-password'],
      skip_build: false,
      constraints: ['node.platform.os == linux'],
      labels: {'com.openfaas.scale.min': '2'},
      annotations: {topic: 'orders'},
      limits: {memory: '256Mi', cpu: '500m', 'nvidia.com/gpu': '1'},
      requests: {memory: '128Mi', cpu: '100m'},
      readonly_root_filesystem: true,
      build_options: ['dev'],
      build_args: {GO111MODULE: 'on'},
      build_secrets: {token: './token.txt'},
      platforms: 'linux/amd64,linux/arm64',
    })
    assert.deepEqual(stack.functions[1], {name: 'alpha', image: 'acme/alpha'})
    assert.deepEqual(stack.configuration, {
      templates: [{name: 'golang-middleware', source: 'https://github.com/openfaas/golang-http-template'}, {name: 'node20'}],
      copy: ['./common'],
    })
  })

  it('accepts a stack with no functions key, an empty functions map, or a function with no settings', () => {
    assert.deepEqual(parseStack(HEAD, 's.yml').functions, [])
    assert.deepEqual(parseStack(HEAD + 'functions:\n', 's.yml').functions, [])
    assert.deepEqual(parseStack(HEAD + 'functions: {}\n', 's.yml').functions, [])
    assert.deepEqual(parseStack(HEAD + 'functions:\n  bare:\n', 's.yml').functions, [{name: 'bare'}])
  })

  it('leaves absent fields undefined (no defaults injected)', () => {
    const [fn] = parseStack(HEAD + 'functions:\n  a:\n    image: x\n', 's.yml').functions
    assert.deepEqual(Object.keys(fn).sort(), ['image', 'name'])
    assert.equal(fn.constraints, undefined)
  })

  it('distinguishes constraints: [] (set, empty) from no constraints', () => {
    const stack = parseStack(HEAD + 'functions:\n  a:\n    constraints: []\n  b:\n    constraints:\n', 's.yml')
    assert.deepEqual(stack.functions[0].constraints, [])
    assert.equal(stack.functions[1].constraints, undefined)
  })

  it('ignores unknown keys anywhere (non-strict, like faas-cli)', () => {
    const stack = parseStack(
      HEAD + '  network: func_functions\nx-anything: {a: [1, 2]}\nfunctions:\n  a:\n    image: x\n    unknown_key: {nested: true}\n    readonly: 3\n',
      's.yml',
    )
    assert.deepEqual(stack.functions, [{name: 'a', image: 'x'}])
  })
})

describe('parseStack: scalar coercion into string fields (yaml.v3 rules)', () => {
  it('keeps ints, bools, floats, hex and null-ish values as written', () => {
    const [fn] = parseStack(
      HEAD +
        `functions:
  a:
    image: 12345
    handler: true
    environment:
      N: 1
      B: true
      F: 1.0
      F2: 1.50
      E: 1e3
      H: 0x1F
      O: 0o17
      NEG: -0
      INF: .inf
      DATE: 2024-01-02
      NUL: ~
      EMPTY:
      Q: "quoted: yes"
      S: 'single ''quote'''
      YES: yes
`,
      's.yml',
    ).functions
    assert.equal(fn.image, '12345')
    assert.equal(fn.handler, 'true')
    assert.deepEqual(fn.environment, {
      N: '1',
      B: 'true',
      F: '1.0',
      F2: '1.50',
      E: '1e3',
      H: '0x1F',
      O: '0o17',
      NEG: '-0',
      INF: '.inf',
      DATE: '2024-01-02',
      NUL: '',
      EMPTY: '',
      Q: 'quoted: yes',
      S: "single 'quote'",
      YES: 'yes',
    })
  })

  it('reads block scalars and multi-line flow scalars', () => {
    const [fn] = parseStack(HEAD + 'functions:\n  a:\n    fprocess: >-\n      python\n      index.py\n    environment:\n      SCRIPT: |\n        line1\n        line2\n', 's.yml').functions
    assert.equal(fn.fprocess, 'python index.py')
    assert.equal(fn.environment?.SCRIPT, 'line1\nline2\n')
  })

  it('turns null list items into empty strings and null fields into "not set"', () => {
    const [fn] = parseStack(HEAD + 'functions:\n  a:\n    secrets: [s1, ~]\n    image: ~\n    lang:\n', 's.yml').functions
    assert.deepEqual(fn.secrets, ['s1', ''])
    assert.equal(fn.image, undefined)
    assert.equal(fn.lang, undefined)
  })

  it('keeps a "__proto__" key as an ordinary variable', () => {
    const [fn] = parseStack(HEAD + 'functions:\n  a:\n    environment:\n      __proto__: x\n      B: y\n', 's.yml').functions
    assert.deepEqual(Object.entries(fn.environment ?? {}), [
      ['__proto__', 'x'],
      ['B', 'y'],
    ])
  })
  it('reads numeric map keys and function names as written', () => {
    const stack = parseStack(HEAD + 'functions:\n  123:\n    environment: {1: one, 2.50: x}\n', 's.yml')
    assert.equal(stack.functions[0].name, '123')
    assert.deepEqual(stack.functions[0].environment, {1: 'one', '2.50': 'x'})
  })

  it('reads bools: true/false spellings and the unquoted YAML 1.1 words', () => {
    const fns = parseStack(
      HEAD + 'functions:\n  a:\n    skip_build: True\n  b:\n    skip_build: yes\n  c:\n    skip_build: off\n  d:\n    readonly_root_filesystem: FALSE\n  e:\n    skip_build: ~\n',
      's.yml',
    ).functions
    assert.deepEqual(
      fns.map((f) => [f.skip_build, f.readonly_root_filesystem]),
      [
        [true, undefined],
        [true, undefined],
        [false, undefined],
        [undefined, false],
        [undefined, undefined],
      ],
    )
  })
})

describe('parseStack: merge keys and anchors', () => {
  it('applies << merge keys: explicit keys win, earlier merged maps win over later ones', () => {
    const stack = parseStack(
      HEAD +
        `x-base: &base
  lang: node20
  image: base/image
  environment: &env
    A: from-base
x-extra: &extra
  lang: python3
  handler: ./extra
functions:
  one:
    <<: *base
    image: one/image
  two:
    image: two/image
    <<: [*base, *extra]
  three:
    <<: *extra
    environment:
      <<: *env
      B: own
`,
      'stack.yaml',
    )
    const [one, two, three] = stack.functions
    assert.deepEqual(one, {name: 'one', lang: 'node20', image: 'one/image', environment: {A: 'from-base'}})
    assert.deepEqual(two, {name: 'two', image: 'two/image', lang: 'node20', environment: {A: 'from-base'}, handler: './extra'})
    assert.deepEqual(three, {name: 'three', lang: 'python3', handler: './extra', environment: {A: 'from-base', B: 'own'}})
  })

  it('resolves plain aliases for scalars, lists and maps', () => {
    const [a, b] = parseStack(HEAD + 'functions:\n  a:\n    image: &img acme/x\n    secrets: &s [one, two]\n  b:\n    image: *img\n    secrets: *s\n', 's.yml').functions
    assert.equal(b.image, 'acme/x')
    assert.deepEqual(b.secrets, a.secrets)
  })

  it('an alias refers to the latest anchor of that name defined before it', () => {
    const fns = parseStack(HEAD + 'functions:\n  a:\n    image: &i first\n  b:\n    image: *i\n  c:\n    image: &i second\n  d:\n    image: *i\n', 's.yml').functions
    assert.deepEqual(
      fns.map((f) => f.image),
      ['first', 'first', 'second', 'second'],
    )
  })

  it('does not expand alias bombs in ignored keys (aliases are never expanded wholesale)', () => {
    let text = HEAD + 'x-bomb:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n'
    for (let i = 1; i < 12; i++) text += `  a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`
    text += 'functions:\n  a:\n    image: ok\n'
    const start = Date.now()
    assert.equal(parseStack(text, 's.yml').functions[0].image, 'ok')
    assert.ok(Date.now() - start < 2000)
  })

  it('rejects an unknown alias and a merge of a non-map, with positions', () => {
    parseFails(HEAD + 'functions:\n  a: *nope\n', /^stack\.yaml:5:6: unknown alias \*nope$/)
    parseFails(HEAD + 'functions:\n  a:\n    <<: just-a-string\n', /^stack\.yaml:6:9: functions\.a\.<<: merge key "<<" needs a map or a list of maps, got a string$/)
  })
})

describe('parseStack: validation messages (faas-cli wording)', () => {
  it('requires provider.name openfaas', () => {
    const err = parseFails('provider:\n  name: faas\n', /^\['openfaas'\] is the only valid "provider\.name" for the OpenFaaS CLI, but you gave: faas$/)
    assert.match((err as Error & {hint?: string}).hint ?? '', /stack\.yaml:2:9/)
    parseFails('version: 1.0\nfunctions: {}\n', /but you gave: $/)
    parseFails('', /is the only valid "provider\.name"/)
    parseFails('# only a comment\n', /is the only valid "provider\.name"/)
    parseFails('provider:\n  name: OpenFaaS\n', /but you gave: OpenFaaS$/)
  })
  it('accepts version "1.0" quoted or unquoted, or no version at all', () => {
    assert.equal(parseStack('version: 1.0\nprovider: {name: openfaas}\n', 's').version, '1.0')
    assert.equal(parseStack('version: "1.0"\nprovider: {name: openfaas}\n', 's').version, '1.0')
    assert.equal(parseStack('provider: {name: openfaas}\n', 's').version, undefined)
    assert.equal(parseStack('version:\nprovider: {name: openfaas}\n', 's').version, undefined)
  })
  it('rejects other versions as written: 1, 1.00, 2.0, "1.0.0"', () => {
    for (const v of ['1', '1.00', '2.0', '"1.0.0"', '1.35']) {
      const shown = v.replace(/"/g, '')
      parseFails(`version: ${v}\nprovider: {name: openfaas}\n`, new RegExp(`^\\[1\\.0\\] are the only valid versions for the stack file - found: ${shown.replace(/\./g, '\\.')}$`))
    }
  })
  it('checks provider before version, like faas-cli', () => {
    parseFails('version: 2.0\nprovider: {name: faas}\n', /provider\.name/)
  })
})

describe('parseStack: type errors name file, line and column', () => {
  it('a string where a list is expected', () => {
    parseFails(HEAD + 'functions:\n  api:\n    image: x\n    secrets: s1\n', /^stack\.yaml:7:14: functions\.api\.secrets: expected a list of strings, got a string$/)
  })
  it('a list where a string is expected', () => {
    parseFails(HEAD + 'functions:\n  api:\n    image: [a, b]\n', /^stack\.yaml:6:12: functions\.api\.image: expected a string, got a list$/)
  })
  it('a map where a map of strings has a nested map', () => {
    parseFails(HEAD + 'functions:\n  api:\n    environment:\n      A:\n        nested: 1\n', /^stack\.yaml:8:9: functions\.api\.environment\.A: expected a string, got a map$/)
  })
  it('a list item that is not a string', () => {
    parseFails(HEAD + 'functions:\n  api:\n    secrets:\n      - ok\n      - {a: 1}\n', /^stack\.yaml:8:9: functions\.api\.secrets\[1\]: expected a string, got a map$/)
  })
  it('a bool field with a non-bool, including a quoted "true" (yaml.v3 rejects it too)', () => {
    parseFails(HEAD + 'functions:\n  api:\n    skip_build: maybe\n', /^stack\.yaml:6:17: functions\.api\.skip_build: expected true or false, got "maybe"$/)
    parseFails(HEAD + 'functions:\n  api:\n    skip_build: "true"\n', /expected true or false, got "true"/)
    parseFails(HEAD + 'functions:\n  api:\n    readonly_root_filesystem: 1\n', /functions\.api\.readonly_root_filesystem: expected true or false, got "1"/)
  })
  it('wrong shapes for the top level, provider, functions, a function, configuration', () => {
    parseFails('- a\n- b\n', /^stack\.yaml:1:1: expected a map with "provider" and "functions" at the top level, got a list$/)
    parseFails('just text\n', /^stack\.yaml:1:1: expected a map .* got a string$/)
    parseFails('provider: openfaas\n', /^stack\.yaml:1:11: provider: expected a map with "name" and "gateway", got a string$/)
    parseFails(HEAD + 'functions: [a, b]\n', /^stack\.yaml:4:12: functions: expected a map of function name to settings, got a list$/)
    parseFails(HEAD + 'functions:\n  a: image-name\n', /^stack\.yaml:5:6: functions\.a: expected a map of function settings, got a string$/)
    parseFails(HEAD + 'configuration:\n  templates: node20\n', /^stack\.yaml:5:14: configuration\.templates: expected a list of \{name, source\}, got a string$/)
    parseFails(HEAD + 'configuration:\n  copy: {a: b}\n', /configuration\.copy: expected a list of strings, got a map/)
  })
  it('points at the alias where a wrongly-shaped anchored value is used', () => {
    parseFails(HEAD + 'x-list: &l [a, b]\nfunctions:\n  a:\n    image: *l\n', /^stack\.yaml:7:12: functions\.a\.image: expected a string, got a list$/)
  })
  it('names the source it was given (a URL, or <stdin> for -)', () => {
    parseFails(HEAD + 'functions: 3\n', /^https:\/\/example\.com\/stack\.yml:4:12: functions:/, 'https://example.com/stack.yml')
    parseFails(HEAD + 'functions: 3\n', /^<stdin>:4:12: functions:/, '-')
  })
  it('rejects an empty function name', () => {
    parseFails(HEAD + 'functions:\n  "":\n    image: x\n', /a function needs a name/)
  })
})

describe('parseStack: YAML syntax errors and duplicates', () => {
  it('reports syntax errors as one line with file, line and column', () => {
    parseFails(HEAD + 'functions:\n  a:\n    image: [unclosed\n', /^stack\.yaml:\d+:\d+: invalid YAML: /)
    parseFails('provider:\n  name: openfaas\n bad-indent: x\n', /^stack\.yaml:3:\d+: invalid YAML: /)
    parseFails('a: "unterminated\n', /^stack\.yaml:\d+:\d+: invalid YAML: unexpected end of the stream within a double quoted scalar$/)
    parseFails('\tprovider: x\n', /^stack\.yaml:1:\d+: invalid YAML: /)
  })
  it('rejects duplicate keys anywhere, naming both places', () => {
    parseFails(HEAD + 'functions:\n  a:\n    image: x\n  a:\n    image: y\n', /^stack\.yaml:7:3: invalid YAML: duplicate key "a" \(first at line 5\)$/)
    parseFails(HEAD + 'functions:\n  a:\n    image: x\n    image: y\n', /^stack\.yaml:7:5: invalid YAML: duplicate key "image"/)
    parseFails(HEAD + 'x-ignored:\n  k: 1\n  k: 2\n', /duplicate key "k"/)
    parseFails(HEAD + 'functions:\n  a:\n    environment: {1: a, "1": b}\n', /duplicate key "1"/)
  })
  it('rejects a file with two YAML documents', () => {
    parseFails(HEAD + '---\n' + HEAD, /^stack\.yaml:4:1: invalid YAML: the file holds more than one YAML document/)
  })
})

describe('parseStack: lang: Dockerfile (spec §10 quirk)', () => {
  it('normalises lang: Dockerfile to dockerfile (faas-cli leaves it and then looks for a "Dockerfile" template)', () => {
    const fns = parseStack(HEAD + 'functions:\n  a:\n    lang: Dockerfile\n  b:\n    lang: DOCKERFILE\n  c:\n    lang: dockerfile\n  d:\n    lang: node20\n', 's.yml').functions
    assert.deepEqual(
      fns.map((f) => f.lang),
      ['dockerfile', 'dockerfile', 'dockerfile', 'node20'],
    )
  })
})

describe('parseEnvironmentFile', () => {
  it('reads environment: {K: V} with the same coercion', () => {
    assert.deepEqual(parseEnvironmentFile('environment:\n  A: 1\n  B: true\n  C: x\nother: ignored\n', 'env.yml'), {A: '1', B: 'true', C: 'x'})
    assert.deepEqual(parseEnvironmentFile('', 'env.yml'), {})
    assert.deepEqual(parseEnvironmentFile('other: 1\n', 'env.yml'), {})
  })
  it('rejects a malformed file naming it', () => {
    assert.throws(() => parseEnvironmentFile('environment: [a]\n', 'env.yml'), /^FaasError: env\.yml:1:14: environment: expected a map of strings, got a list$/)
    assert.throws(() => parseEnvironmentFile('environment: {a: [1}\n', 'env.yml'), /^FaasError: env\.yml:\d+:\d+: invalid YAML/)
  })
})
