/**
 * Sealed build secrets: the envelope format against a fixed test vector (the NaCl box vector of
 * "Cryptography in NaCl": Alice's secret key, Bob's public key, its nonce, message and ciphertext),
 * so a change to the format or the cipher fails here; then keygen / seal / unseal through the CLI,
 * with faas-cli's files, modes and lines.
 */
import assert from 'node:assert/strict'
import {readFileSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {cleanEnv, runCli, tempDir} from '../helpers/cli.js'
import {decodeKey, deriveKeyId, renderUnsealedJson, sealValues, unsealValues} from '../../src/secrets/seal.js'

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'))
const ALICE_SECRET = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
const ALICE_PUBLIC = hex('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
const BOB_SECRET = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb')
const BOB_PUBLIC = hex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
const NONCE = hex('69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37')
const MESSAGE = hex(
  'be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705',
)
// the 16-byte authenticator followed by the encrypted message
const CIPHERTEXT = hex(
  'f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5',
)
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64')

describe('sealed secrets: envelope format (test vector)', () => {
  it('seals with the sender key and nonce given: faas-cli\'s YAML around base64(nonce || box)', async () => {
    const envelope = await sealValues(BOB_PUBLIC, new Map([['msg', MESSAGE], ['2', Buffer.from('x')], ['10', Buffer.from('y')]]), {
      senderSecretKey: ALICE_SECRET,
      nonce: (name) => (name === 'msg' ? NONCE : new Uint8Array(24).fill(name.length)),
    })
    const lines = envelope.split('\n')
    assert.deepEqual(lines.slice(0, 5), ['version: v1', 'algorithm: nacl/box', `key_id: ${b64(BOB_PUBLIC).slice(0, 8)}`, `public_key: ${b64(ALICE_PUBLIC)}`, 'secrets:'])
    // names in yaml.v3's order ("2" before "10"), quoted where YAML would read a number
    assert.match(lines[5], /^ {4}"2": /)
    assert.match(lines[6], /^ {4}"10": /)
    assert.equal(lines[7], `    msg: ${Buffer.concat([NONCE, CIPHERTEXT]).toString('base64')}`)
    assert.equal(lines[8], '')
    assert.equal(lines.length, 9)
  })

  it('opens the vector with the recipient key, and refuses any other key or a changed byte', async () => {
    const envelope = [
      'version: v1', 'algorithm: nacl/box', 'key_id: 3p7bfXt9', `public_key: ${b64(ALICE_PUBLIC)}`, 'secrets:',
      `    msg: ${Buffer.concat([NONCE, CIPHERTEXT]).toString('base64')}`, '',
    ].join('\n')
    const values = await unsealValues(BOB_SECRET, envelope)
    assert.deepEqual([...values.keys()], ['msg'])
    assert.deepEqual(new Uint8Array(values.get('msg')!), MESSAGE)
    await assert.rejects(unsealValues(ALICE_SECRET, envelope), /decryption failed for key "msg": invalid key or corrupted data/)
    const tampered = Buffer.from(CIPHERTEXT)
    tampered[40] ^= 1
    await assert.rejects(unsealValues(BOB_SECRET, envelope.replace(/msg: .*/, `msg: ${Buffer.concat([NONCE, tampered]).toString('base64')}`)), /decryption failed/)
    await assert.rejects(unsealValues(BOB_SECRET, envelope, 'other'), /key "other" not found in sealed envelope/)
    await assert.rejects(unsealValues(BOB_SECRET, envelope.replace('version: v1', 'version: v2')), /unsupported envelope version: "v2", expected "v1"/)
    await assert.rejects(unsealValues(BOB_SECRET, envelope.replace('nacl/box', 'aes')), /unsupported algorithm: "aes"/)
    await assert.rejects(unsealValues(BOB_SECRET, envelope.replace(/msg: .*/, 'msg: AAAA')), /too short: expected at least 24 bytes, got 3/)
  })

  it('reads keys as Go does: standard padded base64 of 32 bytes, whitespace around allowed', () => {
    assert.deepEqual(decodeKey(`  ${b64(BOB_PUBLIC)}\n`, 'public key'), BOB_PUBLIC)
    assert.throws(() => decodeKey(b64(BOB_PUBLIC).replace('=', ''), 'public key'), /invalid public key: not standard base64/)
    assert.throws(() => decodeKey(Buffer.from(BOB_PUBLIC).toString('base64url'), 'public key'), /not standard base64/)
    assert.throws(() => decodeKey(b64(new Uint8Array(16)), 'private key'), /invalid private key: expected 32-byte key, got 16/)
    assert.equal(deriveKeyId(BOB_PUBLIC), b64(BOB_PUBLIC).slice(0, 8))
  })

  it('prints -j as faas-cli does: names in byte order, Go\'s escapes, {} when empty', () => {
    const json = renderUnsealedJson(new Map([['b', Buffer.from('<&>')], ['a', Buffer.from('x\ny')], ['10', Buffer.from('')], ['9', Buffer.from('n')]]))
    assert.equal(json, '{\n  "10": "",\n  "9": "n",\n  "a": "x\\ny",\n  "b": "\\u003c\\u0026\\u003e"\n}')
    assert.equal(renderUnsealedJson(new Map()), '{}')
  })
})

describe('secret keygen / seal / unseal (CLI)', () => {
  it('keygen writes key (0600) and key.pub (0644) and prints faas-cli\'s three lines', async () => {
    const cwd = tempDir()
    const r = await runCli(['secret', 'keygen'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    const pub = readFileSync(path.join(cwd, 'key.pub'), 'utf8')
    assert.equal(r.stdout, `Wrote private key: key\nWrote public key:  key.pub\nKey ID:            ${pub.slice(0, 8)}\n`)
    assert.equal(statSync(path.join(cwd, 'key')).mode & 0o777, 0o600)
    assert.equal(statSync(path.join(cwd, 'key.pub')).mode & 0o777, 0o644)
    assert.equal(decodeKey(pub, 'public key').length, 32)
    assert.equal(decodeKey(readFileSync(path.join(cwd, 'key'), 'utf8'), 'private key').length, 32)
    assert.doesNotMatch(pub, /\n/)
    // -o into a folder that does not exist yet: created 0700
    const nested = await runCli(['secret', 'keygen', '-o', 'keys/deploy/mykey'], {cwd})
    assert.equal(nested.code, 0, nested.stderr)
    assert.match(nested.stdout, /^Wrote private key: keys\/deploy\/mykey\nWrote public key: {2}keys\/deploy\/mykey\.pub\n/)
    assert.equal(statSync(path.join(cwd, 'keys/deploy')).mode & 0o777, 0o700)
  })

  it('seals literals and files (binary-safe), 0600 file, and unseals them all, one, or as JSON', async () => {
    const cwd = tempDir()
    assert.equal((await runCli(['secret', 'keygen'], {cwd})).code, 0)
    const binary = Buffer.from([0, 1, 2, 255, 10, 13])
    writeFileSync(path.join(cwd, 'blob.bin'), binary)
    const sealed = await runCli(['secret', 'seal', 'key.pub', '--from-literal', 'pip_token=s3=cr3t', '--from-literal', 'empty=', '--from-file', 'blob=blob.bin', '-o', 'out/secrets.yaml'], {cwd})
    assert.equal(sealed.code, 0, sealed.stderr)
    const keyId = readFileSync(path.join(cwd, 'key.pub'), 'utf8').slice(0, 8)
    assert.equal(sealed.stdout, `Sealed 3 secret(s) to out/secrets.yaml (key ID: ${keyId})\n`)
    assert.equal(statSync(path.join(cwd, 'out/secrets.yaml')).mode & 0o777, 0o600)
    const text = readFileSync(path.join(cwd, 'out/secrets.yaml'), 'utf8')
    assert.match(text, /^version: v1\nalgorithm: nacl\/box\nkey_id: .{8}\npublic_key: [A-Za-z0-9+/]{43}=\nsecrets:\n {4}blob: \S+\n {4}empty: \S+\n {4}pip_token: \S+\n$/)
    assert.doesNotMatch(text, /s3=cr3t/)

    const all = await runCli(['secret', 'unseal', 'key', '--in', 'out/secrets.yaml'], {cwd})
    assert.equal(all.code, 0, all.stderr)
    assert.ok(all.stdout.startsWith('blob='), all.stdout)
    assert.ok(all.stdout.endsWith('\nempty=\npip_token=s3=cr3t\n'), all.stdout)
    // the bytes of a file come back exactly
    const opened = await unsealValues(decodeKey(readFileSync(path.join(cwd, 'key'), 'utf8'), 'private key'), text, 'blob')
    assert.deepEqual(opened.get('blob'), binary)
    const raw = await runCli(['secret', 'unseal', 'key', '--in', 'out/secrets.yaml', '--key', 'pip_token'], {cwd})
    assert.equal(raw.stdout, 's3=cr3t')
    const json = await runCli(['secret', 'unseal', 'key', '--in', 'out/secrets.yaml', '-j'], {cwd})
    assert.deepEqual(JSON.parse(json.stdout), {blob: binary.toString('utf8'), empty: '', pip_token: 's3=cr3t'})
    const one = await runCli(['secret', 'unseal', 'key', '--in', 'out/secrets.yaml', '--key', 'empty', '--json'], {cwd})
    assert.equal(one.stdout, '{\n  "empty": ""\n}\n')
  })

  it('unseal prints name=value lines in name order (the default --in is com.openfaas.secrets)', async () => {
    const cwd = tempDir()
    await runCli(['secret', 'keygen', '-o', 'k'], {cwd})
    assert.equal((await runCli(['secret', 'seal', 'k.pub', '--from-literal', 'b=2', '--from-literal', 'a=1', '--from-literal', 'c=x\ny'], {cwd})).code, 0)
    const r = await runCli(['secret', 'unseal', 'k'], {cwd})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'a=1\nb=2\nc=x\ny\n')
  })

  it('fails with faas-cli\'s messages, exit 1', async () => {
    const cwd = tempDir()
    await runCli(['secret', 'keygen'], {cwd})
    const cases: Array<[string[], RegExp]> = [
      [['secret', 'seal', 'key.pub'], /provide at least one secret via --from-literal or --from-file/],
      [['secret', 'seal', 'key.pub', '--from-literal', 'novalue'], /invalid --from-literal format "novalue", expected key=value/],
      [['secret', 'seal', 'key.pub', '--from-literal', '=v'], /invalid --from-literal format "=v", expected key=value/],
      [['secret', 'seal', 'key.pub', '--from-file', 'k='], /invalid --from-file format "k=", expected key=path/],
      [['secret', 'seal', 'key.pub', '--from-file', 'k=missing.txt'], /reading file for key "k": open missing\.txt: no such file or directory/],
      [['secret', 'seal', 'nope.pub', '--from-literal', 'a=b'], /reading public key: open nope\.pub: no such file or directory/],
      [['secret', 'seal', 'key.pub', 'extra', '--from-literal', 'a=b'], /unexpected argument: extra/i],
      [['secret', 'seal', '--from-literal', 'a=b'], /missing argument PUBLICKEYFILE/],
      [['secret', 'unseal', 'key'], /reading sealed file: open com\.openfaas\.secrets: no such file or directory/],
      [['secret', 'unseal', 'key.pub', '--in', 'key'], /invalid sealed envelope|unsupported envelope version/],
    ]
    for (const [args, message] of cases) {
      const r = await runCli(args, {cwd, env: cleanEnv()})
      assert.equal(r.code, 1, args.join(' '))
      assert.match(r.stderr, message, args.join(' '))
      assert.equal(r.stdout, '', args.join(' '))
    }
  })
})
