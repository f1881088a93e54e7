/**
 * The one place that runs `helm`. `chart export` hands it the argv; it returns what helm printed
 * on stdout (bounded), or a FaasError carrying helm's exit status and the end of its stderr.
 */
import {spawn} from 'node:child_process'

import {FaasError, errorMessage} from '../errors.js'
import {findExecutable} from '../util/executable.js'

/** `helm template` of the OpenFaaS chart prints well under 1 MiB; anything near this is not a chart. */
export const MAX_HELM_OUTPUT = 128 * 1024 * 1024
const MAX_STDERR = 64 * 1024

export async function findHelm(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const helm = await findExecutable('helm', env)
  if (!helm) throw new FaasError('helm is required but was not found in PATH', {hint: 'Install Helm 3 (helm.sh/docs/intro/install) and put it on PATH.'})
  return helm
}

export interface HelmRun {
  cwd: string
  env?: NodeJS.ProcessEnv
  maxOutput?: number
}

/** Runs `helm <args>` and resolves with its stdout. */
export async function runHelm(args: readonly string[], options: HelmRun): Promise<string> {
  const env = options.env ?? process.env
  const helm = await findHelm(env)
  const max = options.maxOutput ?? MAX_HELM_OUTPUT
  return new Promise((resolve, reject) => {
    const child = spawn(helm, args, {cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
    const out: Buffer[] = []
    let outBytes = 0
    let err = Buffer.alloc(0)
    let tooLarge = false
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length
      if (outBytes > max) {
        if (!tooLarge) child.kill('SIGKILL')
        tooLarge = true
        return
      }
      out.push(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      err = Buffer.concat([err, chunk])
      if (err.length > MAX_STDERR) err = err.subarray(err.length - MAX_STDERR)
    })
    child.on('error', (error) => reject(new FaasError(`cannot run helm: ${errorMessage(error)}`)))
    child.on('close', (code, signal) => {
      if (tooLarge) return reject(new FaasError(`helm template printed more than ${max} bytes; stopped it`, {hint: 'Check the chart and the values given.'}))
      if (code !== 0) {
        const status = signal ? `signal: ${signal}` : `exit status ${code}`
        const stderr = err.toString('utf8').trim()
        return reject(new FaasError(`helm template failed: ${status}`, {hint: stderr ? `helm said: ${stderr}` : 'Run the helm command above by hand to see why.'}))
      }
      resolve(Buffer.concat(out).toString('utf8'))
    })
  })
}
