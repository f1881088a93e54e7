/**
 * "Did you mean …?" for mistyped commands and flags, the way cobra suggests: every candidate
 * within an edit distance of 2, or that starts with what was typed, closest first.
 */

/** Levenshtein distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]
}

export function suggestions(typed: string, candidates: Iterable<string>, maxDistance = 2): string[] {
  const word = typed.toLowerCase()
  const scored: Array<{candidate: string; distance: number}> = []
  for (const candidate of new Set(candidates)) {
    if (candidate === typed) continue
    const distance = editDistance(word, candidate.toLowerCase())
    if (distance <= maxDistance || (word.length > 0 && candidate.toLowerCase().startsWith(word))) scored.push({candidate, distance})
  }
  return scored.sort((x, y) => x.distance - y.distance || x.candidate.localeCompare(y.candidate)).map((s) => s.candidate)
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
export function quotedAlternatives(words: readonly string[]): string {
  const quoted = words.map((w) => `"${w}"`)
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
}
