/**
 * What parse.ts needs from a parsed YAML tree to build the typed model (yaml-reader.ts reads
 * js-yaml's result; the walk in parse.ts stays independent of the parser behind it).
 *
 * `N` is the reader's node type. Every method that takes `at` uses it only to place an error:
 * the node where the value is written (the alias rather than its anchor).
 */
export interface Entry<N> {
  key: string
  keyNode: N
  /** The value after alias resolution; `null` is a missing value (`key:` with nothing, `~`). */
  value: N | null
  at: N
}

export interface TreeReader<N> {
  /** The stack's name for messages (one line). */
  readonly source: string
  /** The document's root after alias resolution (`null` for an empty document) and where it is written. */
  root(): {value: N | null; at: N | null}
  isMap(value: N): boolean
  isSeq(value: N): boolean
  /** A list's items as written (aliases not yet followed: pass each through `deref`). */
  items(seq: N): Array<N | null>
  /** Follow an alias to its anchored node; a null scalar becomes `null`. */
  deref(node: N | null, path: string): N | null
  /** A map's entries in file order with `<<` merge keys applied (keys written in the map win). */
  entries(map: N, path: string): Array<Entry<N>>
  /** A scalar read into a string field; `undefined` for no value. */
  string(value: N | null, at: N, path: string): string | undefined
  bool(value: N | null, at: N, path: string): boolean | undefined
  stringMap(value: N | null, at: N, path: string): Record<string, string> | undefined
  stringList(value: N | null, at: N, path: string): string[] | undefined
  /** Throw for a value of the wrong shape: `node` is the value, `fallback` where it is written. */
  fail(node: N | null, path: string, message: string, fallback?: N): never
  /** "a map", "a list", "a string", ... for messages. */
  kind(node: N | null): string
  /** `file:line:col` of a node (the file name alone when it has no position). */
  where(node: N | null): string
}

/** How deep `<<` merges may chain; real files use one or two levels. */
export const MAX_MERGE_DEPTH = 50
