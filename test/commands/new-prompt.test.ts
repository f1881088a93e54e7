/**
 * `faas new` on a terminal: it asks for the language and the name (@inquirer/prompts). A
 * pseudo-terminal comes from util-linux `script`; keys are sent once the question shows.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {readFileSync, readdirSync} from 'node:fs'
import path from 'node:path'
import {describe, it} from 'node:test'

import {binPath, cleanEnv, tempDir} from '../helpers/cli.js'
import {hasProgram} from '../templates/runtime-helpers.js'

interface Step {
  /** Wait for this text on the terminal … */
  waitFor: string
  /** … then type this. */
  type: string
}

function onTerminal(args: string[], cwd: string, steps: Step[]): Promise<{code: number | null; screen: string}> {
  const env = cleanEnv({TERM: 'xterm'})
  delete env.CI
  const command = [process.execPath, binPath, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')
  const child = spawn('script', ['-qec', command, '/dev/null'], {cwd, env, stdio: ['pipe', 'pipe', 'pipe']})
  let screen = ''
  let next = 0
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString()
    while (next < steps.length && screen.includes(steps[next].waitFor)) child.stdin.write(steps[next++].type)
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer)
      child.stdin.end()
      resolve({code, screen})
    })
  })
}

describe('faas new on a terminal', {skip: !hasProgram('script') && 'util-linux script is not installed'}, () => {
  it('asks for the language and the name when both are missing', async () => {
    const cwd = tempDir()
    // the list is sorted: bash, dockerfile, golang-http, node20, … — pick the third
    const r = await onTerminal(['new'], cwd, [
      {waitFor: 'Language template', type: '\u001b[B\u001b[B\r'},
      {waitFor: 'Function name', type: 'my-fn\r'},
    ])
    assert.equal(r.code, 0, r.screen)
    assert.match(readFileSync(path.join(cwd, 'stack.yaml'), 'utf8'), /\n  my-fn:\n    lang: golang-http\n    handler: \.\/my-fn\n/)
  })

  it('asks only for the name when --lang is given, and refuses a bad name until fixed', async () => {
    const cwd = tempDir()
    const r = await onTerminal(['new', '--lang', 'bash', '-q'], cwd, [
      {waitFor: 'Function name', type: 'Bad_Name\r'},
      {waitFor: 'Use a-z, 0-9 and dashes', type: '\u0015good-name\r'},
    ])
    assert.equal(r.code, 0, r.screen)
    assert.deepEqual(readdirSync(cwd).sort(), ['.gitignore', 'good-name', 'stack.yaml', 'template'])
  })

  it('Ctrl-C at the question exits non-zero and writes nothing', async () => {
    const cwd = tempDir()
    const r = await onTerminal(['new'], cwd, [{waitFor: 'Language template', type: '\u0003'}])
    assert.notEqual(r.code, 0)
    assert.match(r.screen, /cancelled: nothing was written/)
    assert.deepEqual(readdirSync(cwd), [])
  })

  it('never prompts in CI, even on a terminal', async () => {
    const cwd = tempDir()
    const env = cleanEnv({TERM: 'xterm', CI: 'true'})
    const child = spawn('script', ['-qec', `'${process.execPath}' '${binPath}' new --lang bash`, '/dev/null'], {cwd, env, stdio: ['pipe', 'pipe', 'pipe']})
    let screen = ''
    child.stdout.on('data', (d: Buffer) => (screen += d.toString()))
    const code = await new Promise((resolve) => child.on('close', resolve))
    assert.equal(code, 1, screen)
    assert.match(screen, /Please provide a name for the function/)
  })
})
