import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {stringArray} from '../../flags.js'

export default class ChartExport extends BaseCommand {
  static override summary = 'Render a Helm chart and export each resource as a separate YAML file'
  static override description = `Renders chart/<CHART_NAME> (default openfaas) with "helm template" and writes each resource to <output>/<kind>/<name>.yaml; CustomResourceDefinitions go to 00_customresourcedefinition so that they sort first for "kubectl apply -f".

The output folder is replaced as a whole, so it must be missing, empty or an earlier export.`
  static override examples = [
    '<%= config.bin %> chart export',
    '<%= config.bin %> chart export --values chart/openfaas/values-pro.yaml --set openfaasPro=true',
    '<%= config.bin %> chart export kafka-connector -o ./rendered',
    '<%= config.bin %> chart export --crds=false',
  ]

  static override args = {chart: Args.string({description: 'Chart folder under ./chart (default openfaas)'})}

  static override flags = {
    output: Flags.string({char: 'o', description: 'Output directory for rendered YAML files', default: './yaml'}),
    values: stringArray('Path to values file(s) to use during rendering'),
    set: stringArray('Set individual values (key=value)'),
    crds: Flags.boolean({description: 'Include CRDs in the output', default: true, allowNo: true}),
    namespace: Flags.string({char: 'n', description: 'Kubernetes namespace for rendered manifests', default: ''}),
    release: Flags.string({description: 'Helm release name', default: 'openfaas'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ChartExport)
    const {exportChart} = await import('../../chart/export.js')
    const result = await exportChart({
      chart: args.chart,
      output: flags.output,
      release: flags.release,
      crds: flags.crds,
      values: flags.values,
      set: flags.set,
      namespace: flags.namespace,
      cwd: process.cwd(),
      onRun: (line) => this.note(`Running: ${line}`),
      warn: (text) => this.note(text),
    })
    this.out(result.written.map((rel) => `  wrote ${rel}\n`).join('') + `\nExported ${result.written.length} resources to ${result.outputDir}`)
  }
}
