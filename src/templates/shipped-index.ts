/**
 * templates-store/shipped.json: for each shipped template, its template.yml text, the parsed
 * spec and a digest of its files. `faas new` reads a template through it, so an unchanged copy
 * of a shipped template costs a string comparison instead of loading the YAML parser, and its
 * meta.json needs no hashing and its copy no directory scan (start-up figure). A test keeps the file equal to what the
 * templates give; `writeShippedIndex()` in spec.ts regenerates it.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'

import type {TreeEntry} from './safety.js'
import type {TemplateSpec} from './spec.js'

import {shippedStoreDir} from './paths.js'

export interface ShippedEntry {
  /** treeDigest() of the template folder (its meta.json sha). */
  digest: string
  /** The exact text of its template.yml. */
  template_yml: string
  spec: TemplateSpec
  /** Its folders and files, in copy order ('/'-separated), so installing needs no scan. */
  entries: TreeEntry[]
}

export const SHIPPED_INDEX_FILE = 'shipped.json'

let index: Record<string, ShippedEntry> | undefined

export function shippedIndex(): Record<string, ShippedEntry> {
  if (!index) {
    try {
      index = JSON.parse(readFileSync(path.join(shippedStoreDir(), SHIPPED_INDEX_FILE), 'utf8')) as Record<string, ShippedEntry>
    } catch {
      index = {}
    }
  }
  return index
}

/** Forget the loaded index (after regenerating it). */
export function resetShippedIndex(): void {
  index = undefined
}

/** The parsed spec of a template.yml whose text is that of a shipped template. */
export function knownTemplateSpec(text: string): TemplateSpec | undefined {
  for (const entry of Object.values(shippedIndex())) {
    if (entry.template_yml === text) return structuredClone(entry.spec)
  }
  return undefined
}
