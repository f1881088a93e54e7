/**
 * The `yaml` package, loaded on first use (it costs ~30 ms to import). Bundled through a dynamic
 * import the module may arrive as a CommonJS namespace, so take whichever object has parse().
 */
type YamlModule = typeof import('yaml')

let loaded: Promise<YamlModule> | undefined

export function loadYaml(): Promise<YamlModule> {
  loaded ??= import('yaml').then((m) => {
    const candidate = m as YamlModule & {default?: YamlModule}
    return typeof candidate.parse === 'function' ? candidate : (candidate.default as YamlModule)
  })
  return loaded
}
