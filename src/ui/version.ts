import type {GatewayInfo} from '../gateway/info.js'

/** `gateway` and `provider` are null when the gateway could not be asked. */
export interface VersionReport {
  cli: {commit: string; version: string}
  gateway: {uri: string; version: string; sha: string} | null
  provider: {name: string; orchestration: string; version: string; sha: string} | null
}

export function versionReport(cli: VersionReport['cli'], gateway?: string, info?: GatewayInfo): VersionReport {
  const report: VersionReport = {cli, gateway: null, provider: null}
  if (gateway && info) {
    report.gateway = {uri: gateway, version: info.version?.release ?? '', sha: info.version?.sha ?? ''}
    report.provider = {
      name: info.provider?.provider ?? '',
      orchestration: info.provider?.orchestration ?? '',
      version: info.provider?.version?.release ?? '',
      sha: info.provider?.version?.sha ?? '',
    }
  }
  return report
}

/** faas-cli's text layout of `version`. */
export function renderVersion(report: VersionReport): string {
  let text = `CLI:\n  commit:  ${report.cli.commit}\n  version: ${report.cli.version}\n`
  if (report.gateway) {
    text += `\nGateway\n uri:     ${report.gateway.uri}\n version: ${report.gateway.version}\n sha:     ${report.gateway.sha}\n\n`
  }
  if (report.provider) {
    text += `\nProvider\n name:          ${report.provider.name}\n orchestration: ${report.provider.orchestration}\n version:       ${report.provider.version} \n sha:           ${report.provider.sha}\n`
  }
  return text
}
