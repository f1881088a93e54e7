import {Args, Flags, loadHelpClass} from '@oclif/core'

import {BaseCommand, FaasError} from '../base-command.js'
import {gatewayOnlyFlag} from '../flags.js'

export default class New extends BaseCommand {
  static override summary = 'Create a new function from a template'
  static override description = `Creates the function's handler folder from a language template, adds the function to stack.yaml (or the file given with --append / -f) and adds template, build and .secrets to .gitignore. Templates come from ./template, else from the templates that ship with faas (node20, python3-http, golang-http, bash, dockerfile: no download), else from the template store. On a terminal, a missing name or --lang is asked for.`
  static override examples = [
    '<%= config.bin %> new hello --lang node20',
    '<%= config.bin %> new api --lang python3-http --prefix ghcr.io/acme --memory-limit 128Mi',
    '<%= config.bin %> new second --lang golang-http --append stack.yaml',
    '<%= config.bin %> new --list',
  ]

  static override args = {
    name: Args.string({description: 'Name of the function (a-z, 0-9 and dashes)', required: false}),
  }

  static override flags = {
    lang: Flags.string({description: 'Language or template to use', default: ''}),
    ...gatewayOnlyFlag,
    handler: Flags.string({description: 'Directory the handler will be written to (default: the function name)', default: ''}),
    prefix: Flags.string({char: 'p', description: 'Image prefix, e.g. your registry user (else OPENFAAS_PREFIX)', default: ''}),
    'memory-limit': Flags.string({description: 'Memory limit for the function, e.g. 128Mi', default: ''}),
    'cpu-limit': Flags.string({description: 'CPU limit for the function, e.g. 100m', default: ''}),
    'memory-request': Flags.string({description: 'Memory request for the function, e.g. 64Mi', default: ''}),
    'cpu-request': Flags.string({description: 'CPU request for the function, e.g. 50m', default: ''}),
    list: Flags.boolean({description: 'List the available languages', default: false, allowNo: true}),
    append: Flags.string({char: 'a', description: 'Append the function to this existing stack file', default: ''}),
    quiet: Flags.boolean({char: 'q', description: 'Skip the template notes', default: false, allowNo: true}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(New)
    const cwd = process.cwd()
    const templates = await import('../templates/index.js')

    if (flags.list) {
      const languages = await templates.listAvailableLanguages(cwd)
      this.out(`Languages available as templates:\n${languages.map((l) => `- ${l}`).join('\n')}\n`)
      return
    }

    let name = args.name ?? ''
    let lang = flags.lang.toLowerCase() === 'dockerfile' ? 'dockerfile' : flags.lang
    if (!name || !lang) {
      const {askNewFunction, canPrompt} = await import('../templates/prompt.js')
      if (canPrompt()) {
        const answers = await askNewFunction({name: !name, lang: !lang}, await templates.listAvailableLanguages(cwd))
        name ||= answers.name ?? ''
        lang ||= answers.lang ?? ''
      } else if (!name && !lang) {
        const Help = await loadHelpClass(this.config)
        await new Help(this.config).showHelp([this.id ?? 'new'])
        return
      } else if (!lang) {
        throw new FaasError('You must supply a function language with the --lang flag', {hint: 'See the languages with "faas new --list".'})
      } else {
        throw new FaasError('Please provide a name for the function', {hint: `e.g. faas new hello --lang ${lang}`})
      }
    }

    const result = await templates.createFunction({
      name,
      lang,
      cwd,
      gateway: await this.gatewayUrl({gatewayFlag: flags.gateway}),
      handler: flags.handler || undefined,
      prefix: flags.prefix || process.env.OPENFAAS_PREFIX || '',
      append: flags.append || undefined,
      stackFile: flags.append ? undefined : templates.newStackTarget(cwd, flags.yaml),
      memoryLimit: flags['memory-limit'],
      cpuLimit: flags['cpu-limit'],
      memoryRequest: flags['memory-request'],
      cpuRequest: flags['cpu-request'],
      resolveTemplate: (language, dir) => templates.resolveTemplate(language, {cwd: dir, env: process.env}),
    })

    this.out(templates.renderNewResult(result, flags.quiet))
  }
}
