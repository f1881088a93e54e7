import type {GatewayInfo} from '../gateway/info.js'
import {printable} from './escape.js'

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

/** faas-cli's text layout of `version` (the gateway's texts escaped). */
export function renderVersion(report: VersionReport): string {
  let text = `CLI:\n  commit:  ${report.cli.commit}\n  version: ${report.cli.version}\n`
  const gw = report.gateway
  if (gw) {
    text += `\nGateway\n uri:     ${gw.uri}\n version: ${shown(gw.version)}\n sha:     ${shown(gw.sha)}\n\n`
  }
  const p = report.provider
  if (p) {
    text += `\nProvider\n name:          ${shown(p.name)}\n orchestration: ${shown(p.orchestration)}\n version:       ${shown(p.version)} \n sha:           ${shown(p.sha)}\n`
  }
  return text
}

function shown(value: unknown): string {
  return printable(String(value))
}
