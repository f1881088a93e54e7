/**
 * The OpenFaaS provider REST API's wire types (spec §5 "Wire types", runtime.md §4). Field names
 * are exact; optional fields are omitted on the wire when empty (Go `omitempty`).
 */

export interface FunctionResources {
  memory?: string
  cpu?: string
  /** GPU and other extended resources (`nvidia.com/gpu`, `amd.com/gpu`, `intel.com/gpu`). */
  [resource: string]: string | undefined
}

/** What a function is made of: shared by the deploy body and the status the provider answers with. */
interface FunctionSpecFields {
  image: string
  namespace?: string
  envProcess?: string
  envVars?: Record<string, string>
  constraints?: string[]
  secrets?: string[]
  labels?: Record<string, string>
  annotations?: Record<string, string>
  limits?: FunctionResources
  requests?: FunctionResources
  readOnlyRootFilesystem?: boolean
}

/** The body of POST/PUT /system/functions. */
export interface FunctionDeployment extends FunctionSpecFields {
  service: string
  /** faas-cli always sends labels and annotations, `{}` when empty. */
  labels: Record<string, string>
  annotations: Record<string, string>
}

export interface FunctionUsage {
  cpu?: number
  totalMemoryBytes?: number
}

/** One element of GET /system/functions, and the answer of GET /system/function/<name>. */
export interface FunctionStatus extends FunctionSpecFields {
  name: string
  invocationCount?: number
  replicas?: number
  availableReplicas?: number
  createdAt?: string
  usage?: FunctionUsage
}

export interface Secret {
  name: string
  namespace?: string
  value?: string
  /** base64 of the raw bytes; wins over `value` on the provider. */
  rawValue?: string
}

/** One NDJSON line of GET /system/logs. */
export interface LogMessage {
  name: string
  namespace: string
  instance: string
  /** RFC3339Nano, UTC. */
  timestamp: string
  text: string
}

export interface FunctionNamespace {
  name: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}

export interface VersionInfo {
  sha?: string
  release?: string
  commit_message?: string
}

/** What a provider (faas-provider) answers on /system/info; the gateway wraps it in GatewayInfo. */
export interface ProviderInfo {
  provider?: string
  orchestration?: string
  version?: VersionInfo
}

/** What a gateway answers on /system/info. */
export interface GatewayInfo {
  provider?: ProviderInfo
  version?: VersionInfo
  arch?: string
}
