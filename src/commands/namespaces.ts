import NamespaceList from './namespace/list.js'

/** faas-cli's hidden, deprecated `namespaces`: `namespace list` with a deprecation note. */
export default class Namespaces extends NamespaceList {
  static override hidden = true
  static override hiddenAliases: string[] = []
  static override summary = 'List OpenFaaS namespaces (deprecated: use "namespace list")'
  static override examples: string[] = []

  override async run(): Promise<void> {
    // parsed first, so that with -j the note is a JSON line too
    await this.parse(Namespaces)
    this.note('Command "namespaces" is deprecated, This has moved to "faas-cli namespace list".')
    await super.run()
  }
}
