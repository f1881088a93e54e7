/**
 * oclif's `command_not_found` hook (package.json points at the bundle's NOT_FOUND export): an
 * unknown command is an error in our one-line form, exit 1 as in faas-cli, with cobra's
 * "did you mean" (edit distance ≤ 2 or a prefix) in the hint. On a terminal, the closest match
 * is offered as a yes/no question first, and run when accepted.
 */
import type {Hook} from '@oclif/core'

import {FaasError} from '../errors.js'
import {quotedAlternatives, suggestions} from '../util/suggest.js'

const notFound: Hook.CommandNotFound = async function (opts) {
  const {config} = opts
  const bin = config.bin
  const words = opts.id.split(':')
  const visible = config.commands.filter((c) => !c.hidden)
  const ids = [...visible.map((c) => c.id), ...visible.flatMap((c) => c.aliases ?? [])]
  // under a topic (`faas secret crate`), suggest among its commands
  const topic = words.length > 1 && config.findCommand(words.slice(0, -1).join(':')) ? words.slice(0, -1) : []
  const candidates = ids.filter((id) => id.split(':').length === words.length && id.startsWith(topic.length ? `${topic.join(':')}:` : ''))
  const similar = suggestions(opts.id, candidates).slice(0, 3)
  const spaced = (id: string) => `${bin} ${id.replaceAll(':', ' ')}`

  const {canPrompt} = await import('../templates/prompt.js')
  if (similar.length && canPrompt()) {
    const {confirm} = await import('@inquirer/prompts')
    const accepted = await confirm({message: `"${spaced(opts.id)}" is not a command. Did you mean "${spaced(similar[0])}"?`, default: true}).catch(() => false)
    if (accepted) return config.runCommand(similar[0], opts.argv ?? [])
  }

  const typed = topic.length ? words.at(-1)! : words.join(' ')
  const parent = topic.length ? spaced(topic.join(':')) : bin
  const list = topic.length ? `"${parent} --help" lists its commands.` : `"${bin} help" lists the commands.`
  const hint = similar.length ? `Did you mean ${quotedAlternatives(similar.map((id) => spaced(id)))}? ${list}` : list
  // oclif rethrows a hook's error only when it carries a non-zero oclif exit code
  throw Object.assign(new FaasError(`unknown command "${typed}" for "${parent}"`, {hint}), {oclif: {exit: 1}})
}

export default notFound
