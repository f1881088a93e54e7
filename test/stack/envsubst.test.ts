import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {isFaasError} from '../../src/errors.js'
import {envsubst} from '../../src/stack/envsubst.js'

const env = {
  USER: 'alexellis',
  EMPTY: '',
  FILE: 'bash.string.txt',
  PATH_NAME: '/home/bozo/ideas/thoughts.for.today',
  ABS: '/path/to/file',
  Z: 'abcABC123ABCabc',
  MIXED: 'abcdEFGH28ij',
  SLASHED: 'foo/bar/baz',
  DEFAULT_VAR: 'foo1',
  UNI: 'élan',
}

function sub(text: string, vars: Record<string, string | undefined> = env): string {
  return envsubst(text, vars, 'stack.yaml')
}

function fails(text: string, pattern: RegExp, vars: Record<string, string | undefined> = env): void {
  assert.throws(
    () => sub(text, vars),
    (err: unknown) => {
      assert.ok(isFaasError(err), `expected a FaasError, got ${String(err)}`)
      assert.match((err as Error).message, pattern)
      assert.ok(!(err as Error).message.includes('\n'), 'error message is one line')
      return true
    },
  )
}

describe('envsubst: plain and default forms (spec §2)', () => {
  it('substitutes ${VAR} and leaves other text alone', () => {
    assert.equal(sub('image: ${USER}/fn:latest'), 'image: alexellis/fn:latest')
    assert.equal(sub('no dollars here'), 'no dollars here')
  })
  it('turns an unset variable into the empty string', () => {
    assert.equal(sub('image: ${NOPE}/fn'), 'image: /fn')
    assert.equal(sub('[${constructor}${toString}${__proto__}]'), '[]', 'only own variables, never Object.prototype members')
  })
  it('leaves a bare $VAR literal (faas-cli does not substitute it)', () => {
    assert.equal(sub('cmd: echo $USER and $HOME'), 'cmd: echo $USER and $HOME')
    assert.equal(sub('price: 5$'), 'price: 5$')
    assert.equal(sub('$'), '$')
  })
  it('turns $$ into a literal $, including before a brace', () => {
    assert.equal(sub('a: $$'), 'a: $')
    assert.equal(sub('a: $${USER}'), 'a: ${USER}')
    assert.equal(sub('a: $$$${USER}'), 'a: $${USER}')
    assert.equal(sub('a: $$${USER}'), 'a: $alexellis')
  })
  it('${VAR:-d} uses d when unset or empty', () => {
    assert.equal(sub('${USER:-openfaas}/image'), 'alexellis/image')
    assert.equal(sub('${EMPTY:-openfaas}/image'), 'openfaas/image')
    assert.equal(sub('${NOPE:-openfaas}/image'), 'openfaas/image')
  })
  it('${VAR-d} uses d when unset or empty, as faas-cli\'s substitution library does', () => {
    assert.equal(sub('[${NOPE-d}]'), '[d]')
    assert.equal(sub('[${EMPTY-d}]'), '[d]')
    assert.equal(sub('[${USER-d}]'), '[alexellis]')
  })
  it('${VAR:=d} and ${VAR=d} default and assign for the rest of the text', () => {
    assert.equal(sub('${NOPE:=xyz} ${NOPE}'), 'xyz xyz')
    assert.equal(sub('${EMPTY:=xyz} ${EMPTY}'), 'xyz xyz')
    assert.equal(sub('${NOPE=abc} ${NOPE}'), 'abc abc')
    assert.equal(sub('[${EMPTY=abc}]'), '[abc]')
    assert.equal(sub('${USER:=other}'), 'alexellis')
  })
  it('the assignment never touches the caller\'s environment', () => {
    const vars: Record<string, string | undefined> = {}
    sub('${X:=1}', vars)
    assert.equal(vars.X, undefined)
  })
  it('${VAR:+alt} and ${VAR+alt} give alt when set', () => {
    assert.equal(sub('[${USER:+yes}]'), '[yes]')
    assert.equal(sub('[${EMPTY:+yes}]'), '[]')
    assert.equal(sub('[${EMPTY+yes}]'), '[yes]')
    assert.equal(sub('[${NOPE+yes}]'), '[]')
  })
  it('${VAR:?msg} fails with the message when unset, naming file, line and column', () => {
    fails('a: 1\nimage: ${REGISTRY:?set REGISTRY first}', /^stack\.yaml:2:8: REGISTRY: set REGISTRY first$/)
    fails('${EMPTY:?}', /EMPTY: parameter is unset or empty/)
    assert.equal(sub('[${EMPTY?unset}]'), '[]')
    assert.equal(sub('${USER:?x}'), 'alexellis')
  })
  it('evaluates nested expressions in defaults, only when the default is used', () => {
    assert.equal(sub('${NOPE:-${USER}}'), 'alexellis')
    assert.equal(sub('${NOPE:-${ALSO_NOPE:-deep}}'), 'deep')
    assert.equal(sub('foo: ${var=${DEFAULT_VAR}-suffix}'), 'foo: foo1-suffix')
    assert.equal(sub('foo: ${var=prefix${DEFAULT_VAR}-suffix}'), 'foo: prefixfoo1-suffix')
    assert.equal(sub('${var=${MIXED^^}}'), 'ABCDEFGH28IJ')
    // not evaluated: the unused default would fail
    assert.equal(sub('${USER:-${NOPE:?never evaluated}}'), 'alexellis')
    // not evaluated: the unused default does not assign
    assert.equal(sub('${USER:-${NEW:=1}}[${NEW}]'), 'alexellis[]')
  })
  it('keeps a default with spaces, colons and quotes, and multiple lines', () => {
    assert.equal(sub('${NOPE:-a: "b c"}'), 'a: "b c"')
    assert.equal(sub('${NOPE:-line1\nline2}'), 'line1\nline2')
    assert.equal(sub('${NOPE:-C:\\path\\n}'), 'C:\\path\\n', 'backslashes in defaults are literal')
  })
})

describe('envsubst: string operations (spec §2)', () => {
  it('${#VAR} is the length in characters', () => {
    assert.equal(sub('${#MIXED}'), '12')
    assert.equal(sub('${#NOPE}'), '0')
    assert.equal(sub('${#UNI}'), '4')
  })
  it('${VAR:pos} and ${VAR:pos:len} take substrings', () => {
    assert.equal(sub('${PATH_NAME:11}'), 'ideas/thoughts.for.today')
    assert.equal(sub('${PATH_NAME:11:5}'), 'ideas')
    assert.equal(sub('${PATH_NAME:11:500}'), 'ideas/thoughts.for.today')
    assert.equal(sub('[${PATH_NAME:500}]'), '[]')
    assert.equal(sub('${MIXED:0:4}'), 'abcd')
  })
  it('a negative offset (written with a space) counts from the end; a negative length from the end too', () => {
    assert.equal(sub('${MIXED: -4}'), '28ij')
    assert.equal(sub('${MIXED: -4:2}'), '28')
    assert.equal(sub('${MIXED:2:-2}'), 'cdEFGH28')
    assert.equal(sub('${MIXED: -100}'), 'abcdEFGH28ij')
    assert.equal(sub('${MIXED:-4}'), 'abcdEFGH28ij', '":-" is the default operator, not a negative offset')
  })
  it('a non-numeric offset leaves the value unchanged', () => {
    assert.equal(sub('${MIXED:x}'), 'abcdEFGH28ij')
  })
  it('${VAR:pos:len} accepts nested expressions as numbers', () => {
    assert.equal(sub('${MIXED:${N:-2}:${L:-3}}'), 'cdE')
  })
  it('# and ## strip the shortest / longest matching prefix', () => {
    assert.equal(sub('${FILE#*.}'), 'string.txt')
    assert.equal(sub('${FILE##*.}'), 'txt')
    assert.equal(sub('${ABS#*/}'), 'path/to/file')
    assert.equal(sub('${ABS##*/}'), 'file')
    assert.equal(sub('${FILE#bash}'), '.string.txt')
    assert.equal(sub('${FILE#nomatch}'), 'bash.string.txt')
  })
  it('% and %% strip the shortest / longest matching suffix', () => {
    assert.equal(sub('${FILE%.*}'), 'bash.string')
    assert.equal(sub('${FILE%%.*}'), 'bash')
    assert.equal(sub('${FILE%.txt}'), 'bash.string')
    assert.equal(sub('${ABS%/*}'), '/path/to')
  })
  it('/ // /# /% replace the first / every / a leading / a trailing match', () => {
    assert.equal(sub('${Z/abc/xyz}'), 'xyzABC123ABCabc')
    assert.equal(sub('${Z//abc/xyz}'), 'xyzABC123ABCxyz')
    assert.equal(sub('${Z/#abc/XYZ}'), 'XYZABC123ABCabc')
    assert.equal(sub('${Z/%abc/XYZ}'), 'abcABC123ABCXYZ')
    assert.equal(sub('${Z/#ABC/XYZ}'), 'abcABC123ABCabc', 'prefix replace needs the match at the start')
  })
  it('replacement may be empty or left out', () => {
    assert.equal(sub('${FILE/./}'), 'bashstring.txt')
    assert.equal(sub('${FILE//.}'), 'bashstringtxt')
  })
  it('\\/ escapes a slash in the pattern and in the replacement', () => {
    assert.equal(sub('${SLASHED/\\//-}'), 'foo-bar/baz')
    assert.equal(sub('${SLASHED//\\//-}'), 'foo-bar-baz')
    assert.equal(sub('${SLASHED//\\//\\/\\/}'), 'foo//bar//baz')
  })
  it('patterns are shell globs: * and ? and [...] (longest match for replacements)', () => {
    assert.equal(sub('${Z/b*B/-}'), 'a-Cabc', 'longest match')
    assert.equal(sub('${Z//[a-c]/-}'), '---ABC123ABC---')
    assert.equal(sub('${Z//[!a-c]/.}'), 'abc.........abc')
    assert.equal(sub('${MIXED/?/_}'), '_bcdEFGH28ij')
    assert.equal(sub('${FILE//?/x}'), 'xxxxxxxxxxxxxxx')
    assert.equal(sub('${FILE/\\*/x}'), 'bash.string.txt', 'a quoted * is literal')
  })
  it('? matches one character (not one UTF-16 unit); %? and %%?* trim by characters', () => {
    assert.equal(sub('${UNI%?}'), 'éla')
    assert.equal(sub('${X%?}', {X: 'ab\u{1F600}'}), 'ab')
    assert.equal(sub('[${FILE%%?*}]'), '[]')
    assert.equal(sub('${FILE#?}'), 'ash.string.txt')
  })
  it('glob operations stay fast on large values', () => {
    const big = 'ab'.repeat(50_000)
    const started = Date.now()
    assert.equal(sub('${BIG//a?/x}', {BIG: big}), 'x'.repeat(50_000))
    assert.equal(sub('${BIG##*a}', {BIG: big}), 'b')
    assert.equal(sub('${BIG%b*}', {BIG: big}).length, big.length - 1)
    assert.equal(sub('${BIG%%b*}', {BIG: big}), 'a')
    assert.equal(sub('${BIG/b*a/-}', {BIG: big}), 'a-b')
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`)
  })
  it('regex characters in a pattern are literal', () => {
    assert.equal(sub('${X//./-}', {X: 'a.b.c'}), 'a-b-c')
    assert.equal(sub('${X//(a|b)/-}', {X: '(a|b)x'}), '-x')
    assert.equal(sub('${X#+}', {X: '+1'}), '1')
  })
  it('case operators ^ ^^ , ,,', () => {
    assert.equal(sub('${MIXED^}'), 'AbcdEFGH28ij')
    assert.equal(sub('${MIXED^^}'), 'ABCDEFGH28IJ')
    assert.equal(sub('${UPPER,}', {UPPER: 'ABCDEFGH28IJ'}), 'aBCDEFGH28IJ')
    assert.equal(sub('${UPPER,,}', {UPPER: 'ABCDEFGH28IJ'}), 'abcdefgh28ij')
    assert.equal(sub('${UNI^}'), 'Élan')
    assert.equal(sub('[${NOPE^^}]'), '[]')
  })
  it('several expressions on a line and across lines', () => {
    const text = 'image: ${REG:-docker.io}/${USER}/fn:${TAG:-latest}\nlabels:\n  user: ${USER^^}\n'
    assert.equal(sub(text), 'image: docker.io/alexellis/fn:latest\nlabels:\n  user: ALEXELLIS\n')
  })
})

describe('envsubst: errors are one-line FaasErrors with a position', () => {
  it('an unclosed ${X gives "Missing closing brace"', () => {
    fails('image: ${USER', /^stack\.yaml:1:8: Missing closing brace in \$\{USER$/)
    fails('a: b\nimage: ${USER:-default', /^stack\.yaml:2:8: Missing closing brace/)
    fails('${', /Missing closing brace/)
    fails('x: ${A:-${B}', /Missing closing brace/)
  })
  it('a malformed expression gives "Bad substitution"', () => {
    fails('${}', /^stack\.yaml:1:1: Bad substitution \$\{\}$/)
    fails('${A!}', /Bad substitution/)
    fails('${ A}', /Bad substitution/)
    fails('${A^x}', /Bad substitution/)
    fails('${#}', /Bad substitution/)
  })
  it('${NAME with no } left on its line reads as an unclosed brace, even if a } follows later', () => {
    fails('${A\n}', /Missing closing brace/)
  })
  it('the position is given as line/column when no source name is given', () => {
    assert.throws(() => envsubst('\n ${X', {}), /^FaasError: line 2, column 2: Missing closing brace/)
  })
  it('very deep nesting is refused cleanly instead of overflowing', () => {
    const deep = '${A:-'.repeat(200) + 'x' + '}'.repeat(200)
    fails(deep, /nested more than 64 deep/)
    const ok = '${A:-'.repeat(30) + 'x' + '}'.repeat(30)
    assert.equal(sub(ok), 'x')
  })
})

describe('envsubst: linear time', () => {
  it('handles a large text with many expressions and unclosed-looking dollars', () => {
    const line = 'image: ${REGISTRY:-ghcr.io}/${USER}/fn:${TAG:-latest} cost: 5$ $HOME $$\n'
    const text = line.repeat(20_000)
    const out = sub(text)
    assert.equal(out.length, 'image: ghcr.io/alexellis/fn:latest cost: 5$ $HOME $\n'.length * 20_000)
    // many "$" with nothing to substitute (the scanner must not rescan)
    const dollars = '$a'.repeat(200_000)
    assert.equal(sub(dollars), dollars)
  })
})
