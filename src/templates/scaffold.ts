/**
 * `faas new` (spec §7): check the request, find the template (installing a shipped one or
 * pulling it when missing), then write the handler folder (0700, the template's sample
 * files), the stack file (new, or the function block appended) and the .gitignore lines —
 * the same bytes faas-cli writes. All checks run before the first write; each write is
 * atomic (staging folder + rename, temp file + rename), so a failure or Ctrl-C leaves no
 * half-written function.
 */
import {chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync} from 'node:fs'
import path from 'node:path'

import {FaasError, errorMessage} from '../errors.js'
import {writeFileAtomicSync} from '../fsutil.js'
import {printableLines} from '../ui/escape.js'
import {loadYaml} from '../util/yaml.js'
import {FUNCTION_NAME, assertTemplateName} from './names.js'
import type {ResolvedTemplate, TemplateOrigin} from './resolve-local.js'
import {assertRealInside, copyTreeIntoSync, uniqueSuffix} from './safety.js'

export interface Resources {
  memoryLimit?: string
  cpuLimit?: string
  memoryRequest?: string
  cpuRequest?: string
}

export interface NewFunctionRequest extends Resources {
  name: string
  lang: string
  cwd: string
  /** The resolved gateway URL written into a new stack file. */
  gateway: string
  /** Handler folder (default: the function name). */
  handler?: string
  /** Image prefix (registry/user). */
  prefix?: string
  /** `--append FILE`. */
  append?: string
  /** The stack file to write when not appending (default stack.yaml). */
  stackFile?: string
  /**
   * Finds (installing or pulling as needed) the template for `lang` in `cwd`; undefined means
   * it is not available offline (the fast path then hands over to the full CLI).
   */
  resolveTemplate: (lang: string, cwd: string) => Promise<ResolvedTemplate | undefined>
}

/** Thrown when the request's resolver has no offline template (see NewFunctionRequest). */
export class TemplateNotOffline extends Error {
  constructor(lang: string) {
    super(`template ${lang} is not available offline`)
    this.name = 'TemplateNotOffline'
  }
}

export interface NewFunctionResult {
  handlerDir: string
  stackFile: string
  appended: boolean
  welcomeMessage?: string
  templateOrigin: TemplateOrigin
}

export const DEFAULT_NEW_STACK_FILE = 'stack.yaml'
const GITIGNORE_LINES = ['template', 'build', '.secrets']

/** A scalar as faas-cli writes it (plain), quoted only when YAML would read it otherwise. */
function yamlScalar(value: string): string {
  // numbers and the like stay plain too: faas-cli writes them so, and the stack parser
  // reads every scalar of these fields as a string
  if (/^[A-Za-z0-9_./][A-Za-z0-9_.:/@+~-]*$/.test(value)) return value
  return JSON.stringify(value)
}

function handlerPath(handler: string): string {
  if (path.isAbsolute(handler) || handler.startsWith('./') || handler.startsWith('../')) return handler
  return `./${handler}`
}

/** The function's block under `functions:` (two-space indented, ends with a blank line). */
export function functionBlock(req: {name: string; lang: string; handler: string; image: string} & Resources): string {
  const lines = [
    `  ${req.name}:`,
    `    lang: ${yamlScalar(req.lang)}`,
    `    handler: ${yamlScalar(handlerPath(req.handler))}`,
    `    image: ${yamlScalar(req.image)}`,
  ]
  const resources = (label: string, cpu?: string, memory?: string) => {
    if (!cpu && !memory) return
    lines.push(`    ${label}:`)
    if (cpu) lines.push(`      cpu: ${yamlScalar(cpu)}`)
    if (memory) lines.push(`      memory: ${yamlScalar(memory)}`)
  }
  resources('requests', req.cpuRequest, req.memoryRequest)
  resources('limits', req.cpuLimit, req.memoryLimit)
  return lines.join('\n') + '\n\n'
}

/** A whole new stack file, as faas-cli writes it. */
export function newStackFile(gateway: string, block: string): string {
  return `version: 1.0\nprovider:\n  name: openfaas\n  gateway: ${yamlScalar(gateway)}\nfunctions:\n${block}`
}

export function imageName(name: string, prefix?: string): string {
  const p = (prefix ?? '').trim().replace(/\/+$/, '')
  return p ? `${p}/${name}:latest` : `${name}:latest`
}

/**
 * faas-cli's .gitignore update: append each missing line (`\n` + line), then trim the
 * surrounding whitespace and end with one newline. Returns undefined when nothing changes.
 */
export function updatedGitignore(existing: string | undefined): string | undefined {
  let content = existing ?? ''
  const present = new Set(content.split('\n').map((l) => l.trim()))
  for (const line of GITIGNORE_LINES) if (!present.has(line)) content += `\n${line}`
  const next = content.trim() + '\n'
  return next === existing ? undefined : next
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** The function names already in a stack file (read without env substitution). */
async function stackFunctionNames(file: string, text: string): Promise<string[]> {
  const {parse} = await loadYaml()
  let doc: unknown
  try {
    doc = parse(text, {merge: true})
  } catch (error) {
    throw new FaasError(`cannot parse ${file}: ${errorMessage(error).split('\n')[0]}`)
  }
  const functions = (doc as {functions?: unknown} | null)?.functions
  return functions && typeof functions === 'object' ? Object.keys(functions) : []
}

/**
 * The stack text with the function block appended. faas-cli appends the bytes at the end;
 * when that would not land under `functions:` (another top-level key comes last), the block
 * is inserted into the mapping instead.
 */
async function appendFunction(file: string, existing: string, block: string, name: string, fields: Record<string, unknown>): Promise<string> {
  const simple = existing + (existing === '' || existing.endsWith('\n') ? '' : '\n') + block
  const yaml = await loadYaml()
  try {
    const parsed = yaml.parse(simple, {merge: true}) as {functions?: Record<string, unknown>} | null
    const fn = parsed?.functions?.[name] as Record<string, unknown> | undefined
    if (fn && fn.lang === fields.lang && fn.image === fields.image) return simple
  } catch {
    // fall through to the structural edit
  }
  const doc = yaml.parseDocument(existing, {merge: true})
  if (doc.errors.length > 0) throw new FaasError(`cannot parse ${file}: ${doc.errors[0].message.split('\n')[0]}`)
  doc.setIn(['functions', name], doc.createNode(fields))
  return doc.toString()
}

/** Checks everything `new` needs before writing anything; throws faas-cli's messages. */
async function checkRequest(req: NewFunctionRequest): Promise<{target: string; existingStack?: string; handler: string}> {
  if (!FUNCTION_NAME.test(req.name)) {
    throw new FaasError('Function name can only contain a-z, 0-9 and dashes', {
      hint: 'Use lower-case letters, digits and dashes, starting and ending with a letter or digit (e.g. hello-world).',
    })
  }
  assertTemplateName(req.lang, 'language')
  const handler = req.handler || req.name
  if (req.append) {
    if (!/\.ya?ml$/.test(req.append)) throw new FaasError('When appending to a stack the suffix should be .yml or .yaml')
    const existing = await readIfExists(path.resolve(req.cwd, req.append))
    if (existing === undefined) {
      throw new FaasError(`Unable to find file: ${req.append} - stat ${req.append}: no such file or directory`, {
        hint: 'Create the stack first with "faas new NAME --lang LANG", then append to it.',
      })
    }
    if ((await stackFunctionNames(req.append, existing)).includes(req.name)) {
      throw new FaasError(`Function ${req.name} already exists in ${req.append} file. Cannot have duplicate function names in same yaml file`)
    }
    if (existsSync(path.resolve(req.cwd, handler))) throw new FaasError(`Folder: ${handler} already exists`)
    return {target: req.append, existingStack: existing, handler}
  }
  if (existsSync(path.resolve(req.cwd, handler))) throw new FaasError(`Folder: ${handler} already exists`)
  const target = req.stackFile || DEFAULT_NEW_STACK_FILE
  if (existsSync(path.resolve(req.cwd, target))) {
    throw new FaasError(`File: ${target} already exists. Try "faas-cli new --append ${target}" instead`, {
      hint: `Add the function to it with: faas new ${req.name} --lang ${req.lang} --append ${target}`,
    })
  }
  return {target, handler}
}

/** Runs `fn` with SIGINT held back, so Ctrl-C cannot cut a sequence of writes in half. */
async function withoutInterruption<T>(fn: () => Promise<T>): Promise<T> {
  let interrupted = false
  const hold = () => {
    interrupted = true
  }
  process.on('SIGINT', hold)
  try {
    return await fn()
  } finally {
    process.off('SIGINT', hold)
    if (interrupted) process.exitCode = 130
  }
}

/** Creates a new function: handler folder, stack file entry and .gitignore lines. */
export async function createFunction(req: NewFunctionRequest): Promise<NewFunctionResult> {
  const checked = await checkRequest(req)
  const template = await req.resolveTemplate(req.lang, req.cwd)
  if (!template) throw new TemplateNotOffline(req.lang)
  const image = imageName(req.name, req.prefix)
  const block = functionBlock({...req, handler: checked.handler, image})
  const handlerDir = path.resolve(req.cwd, checked.handler)
  const stackPath = path.resolve(req.cwd, checked.target)

  let stackText: string
  if (checked.existingStack !== undefined) {
    const fields: Record<string, unknown> = {lang: req.lang, handler: handlerPath(checked.handler), image}
    if (req.cpuRequest || req.memoryRequest) fields.requests = {...(req.cpuRequest ? {cpu: req.cpuRequest} : {}), ...(req.memoryRequest ? {memory: req.memoryRequest} : {})}
    if (req.cpuLimit || req.memoryLimit) fields.limits = {...(req.cpuLimit ? {cpu: req.cpuLimit} : {}), ...(req.memoryLimit ? {memory: req.memoryLimit} : {})}
    stackText = await appendFunction(checked.target, checked.existingStack, block, req.name, fields)
  } else {
    stackText = newStackFile(req.gateway, block)
  }

  const gitignorePath = path.join(req.cwd, '.gitignore')
  const gitignoreBefore = await readIfExists(gitignorePath)
  const gitignore = updatedGitignore(gitignoreBefore)

  await withoutInterruption(async () => {
    // handler folder: fill a staging folder, then rename it into place
    mkdirSync(path.dirname(handlerDir), {recursive: true})
    const staging = path.join(path.dirname(handlerDir), `.faas-new-${path.basename(handlerDir)}-${uniqueSuffix()}`)
    mkdirSync(staging, {mode: 0o700})
    try {
      const sample = path.join(template.dir, template.spec.handler_folder)
      if (existsSync(sample) && statSync(sample).isDirectory()) {
        const prefix = `${template.spec.handler_folder.replace(/\/+$/, '')}/`
        const known = template.entries?.filter((e) => e.rel.startsWith(prefix)).map((e) => ({...e, rel: e.rel.slice(prefix.length)}))
        const label = `template/${req.lang}/${template.spec.handler_folder}`
        if (!known) assertRealInside(sample, template.dir, label, `template/${req.lang}`)
        copyTreeIntoSync(sample, staging, label, known)
      }
      chmodSync(staging, 0o700)
      renameSync(staging, handlerDir)
    } catch (error) {
      rmSync(staging, {recursive: true, force: true})
      throw error
    }
    try {
      const mode = checked.existingStack !== undefined ? statSync(stackPath).mode & 0o777 : 0o644
      writeFileAtomicSync(stackPath, stackText, {mode})
      if (gitignore !== undefined) {
        const gitMode = gitignoreBefore !== undefined ? statSync(gitignorePath).mode & 0o777 : 0o644
        writeFileAtomicSync(gitignorePath, gitignore, {mode: gitMode})
      }
    } catch (error) {
      // without its stack entry the new folder is an orphan: take it back
      rmSync(handlerDir, {recursive: true, force: true})
      throw error
    }
  })

  return {
    handlerDir: checked.handler,
    stackFile: checked.target,
    appended: checked.existingStack !== undefined,
    welcomeMessage: template.spec.welcome_message,
    templateOrigin: template.origin,
  }
}

/** What `new` prints on success (the same from the oclif command and the fast path). */
export function renderNewResult(result: NewFunctionResult, quiet: boolean): string {
  let text = `Folder: ${result.handlerDir} created.\n\nFunction created in folder: ${result.handlerDir}\n`
  text += `Stack file ${result.appended ? 'updated' : 'written'}: ${result.stackFile}\n`
  // the welcome message comes from the template's repository: escaped like any remote text
  if (!quiet && result.welcomeMessage) text += `\nNotes:\n${printableLines(result.welcomeMessage).replace(/\n*$/, '\n')}`
  return text
}

/** The stack file `new` writes to when not appending: -f, else an existing stack.yaml / stack.yml. */
export function newStackTarget(cwd: string, yamlFlag: string | undefined): string | undefined {
  if (yamlFlag) {
    if (/^https?:\/\//i.test(yamlFlag)) throw new FaasError(`cannot write a new function into the remote stack file ${yamlFlag}`)
    return yamlFlag
  }
  // faas-cli's -f defaults to an existing stack.yaml / stack.yml
  return ['stack.yaml', 'stack.yml'].find((f) => existsSync(path.join(cwd, f)))
}
