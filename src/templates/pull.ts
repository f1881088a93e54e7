/**
 * `template pull` (spec §8): fetch a repository of templates and copy the folders under its
 * `template/` into ./template, each with a meta.json. Pinned pulls (`#ref`) are stored as
 * `<name>@<ref>`; a pull for named templates (stack configuration, store, build auto-pull)
 * copies only those. With overwrite off, templates already present are left alone and
 * reported. Every template is checked for unsafe content before anything is written.
 */
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {FaasError} from '../errors.js'
import {extractArchive, archiveRepoRoot} from './archive.js'
import {type Checkout, type FetchOptions, fetchGitRepository} from './fetch.js'
import {metaJson} from './meta.js'
import {templateNameProblem} from './names.js'
import {projectTemplatesDir} from './paths.js'
import {type RepoSpec, parseRepo, repoDisplay} from './repo.js'
import {UnsafeTemplateError, installTemplateTree, isInside, scanTree} from './safety.js'

export interface PullSelection {
  /** The template's folder name in the repository. */
  name: string
  /** The folder to store it as under ./template (default: name, or name@ref when pinned). */
  storeAs?: string
}

export interface PullOptions extends Omit<FetchOptions, 'log'> {
  cwd: string
  /** Replace templates that exist already (faas-cli's default: true). */
  overwrite: boolean
  /** Only these templates from the repository (default: all of them). */
  only?: PullSelection[]
  /** Progress lines ("Fetching templates from …"): stderr by default. */
  log?: (line: string) => void
}

export interface PullResult {
  /** The repository as given (without its pin). */
  repository: string
  ref?: string
  sha: string
  /** Folder names written under ./template, in repository order. */
  written: string[]
  /** Folder names left alone because they exist and overwrite is off. */
  existing: string[]
}

async function fetchRepo(spec: RepoSpec, options: PullOptions): Promise<Checkout> {
  if (spec.kind === 'archive') {
    const dir = await extractArchive(spec.file)
    const root = await archiveRepoRoot(dir)
    return {dir: root, sha: '', cleanup: () => fs.rm(dir, {recursive: true, force: true})}
  }
  return fetchGitRepository(spec, {...options, log: options.log})
}

/** The template folders under `<repo>/template`, after checking that folder itself. */
async function listRepoTemplates(repoDir: string, display: string): Promise<string[]> {
  const root = path.join(repoDir, 'template')
  let st
  try {
    st = await fs.lstat(root)
  } catch {
    throw new FaasError(`can't find templates in: ${display} (it has no template/ folder)`, {
      hint: 'A template repository keeps each template in template/<name>/ with a template.yml.',
    })
  }
  if (st.isSymbolicLink()) throw new UnsafeTemplateError(`template/ in ${display} is a symlink; templates must be real folders`)
  if (!st.isDirectory()) throw new FaasError(`can't find templates in: ${display} (template is not a folder)`)
  const names: string[] = []
  for (const d of (await fs.readdir(root, {withFileTypes: true})).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (d.isSymbolicLink()) {
      const target = await fs.readlink(path.join(root, d.name))
      if (path.isAbsolute(target) || !isInside(repoDir, path.resolve(root, target))) {
        throw new UnsafeTemplateError(`template/${d.name} in ${display} is a symlink to ${target}, which points outside the repository`)
      }
      continue // an alias inside the repository: not a template of its own
    }
    if (!d.isDirectory() || d.name.startsWith('.')) continue
    const problem = templateNameProblem(d.name)
    if (problem) throw new UnsafeTemplateError(`template/${JSON.stringify(d.name)} in ${display} cannot be a template folder: ${problem}`)
    names.push(d.name)
  }
  return names
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p)
    return true
  } catch {
    return false
  }
}

/** Pulls templates from `repo` (URL, path or archive, optionally `#ref`) into `<cwd>/template`. */
export async function pullTemplates(repo: string, options: PullOptions): Promise<PullResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'))
  const spec = parseRepo(repo, options.cwd)
  const display = repoDisplay(spec)
  const ref = spec.kind === 'git' ? spec.ref : undefined
  log(`Fetching templates from ${display}${ref ? ` [${ref}]` : ''}`)

  const checkout = await fetchRepo(spec, {...options, log})
  try {
    const available = await listRepoTemplates(checkout.dir, display)
    let selection: Array<{name: string; dest: string}>
    if (options.only) {
      selection = options.only.map((s) => {
        if (!available.includes(s.name)) {
          throw new FaasError(`template ${s.name} was not found in ${display}${ref ? ` at ${ref}` : ''}`, {
            hint: available.length > 0 ? `It has: ${available.join(', ')}.` : 'Its template/ folder is empty.',
          })
        }
        return {name: s.name, dest: s.storeAs ?? (ref ? `${s.name}@${ref}` : s.name)}
      })
    } else {
      selection = available.map((name) => ({name, dest: ref ? `${name}@${ref}` : name}))
    }

    const templatesDir = projectTemplatesDir(options.cwd)
    const srcOf = (name: string) => path.join(checkout.dir, 'template', name)
    // check everything first: an unsafe template rejects the whole pull before any write
    for (const s of selection) await scanTree(srcOf(s.name), `template/${s.name}`)

    const written: string[] = []
    const existing: string[] = []
    const meta = metaJson({repository: display, ref, sha: checkout.sha})
    for (const s of selection) {
      const dest = path.join(templatesDir, s.dest)
      if (!options.overwrite && (await exists(dest))) {
        existing.push(s.dest)
        continue
      }
      await installTemplateTree(srcOf(s.name), dest, {
        label: `template/${s.name}`,
        extraFiles: {'meta.json': meta},
        mode: 0o755,
      })
      written.push(s.dest)
    }
    return {repository: display, ref, sha: checkout.sha, written, existing}
  } finally {
    await checkout.cleanup()
  }
}

/** faas-cli's summary line for a pull. */
export function wroteLine(written: string[]): string {
  return `Wrote ${written.length} template(s) : [${written.join(' ')}]`
}

/** faas-cli's error for templates that were not overwritten. */
export function overwriteError(existing: string[]): FaasError {
  return new FaasError(`Error while fetching templates: unable to overwrite the following: [${existing.join(' ')}]`, {
    hint: 'Pass --overwrite to replace them (it is the default; --overwrite=false keeps them).',
  })
}
