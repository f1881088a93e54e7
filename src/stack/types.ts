/**
 * The typed model of a stack file (stack.yaml), shared by every command. Field names are the
 * YAML keys faas-cli reads (spec §2); values are already env-substituted and coerced (scalars
 * into strings where faas-cli has string fields). Absent keys stay undefined: no defaults are
 * injected at parse time.
 */

export interface FunctionResources {
  memory?: string
  cpu?: string
  /** GPU and other extended resources (e.g. `nvidia.com/gpu`). */
  [resource: string]: string | undefined
}

export interface StackFunction {
  /** The key under `functions:`. */
  name: string
  lang?: string
  handler?: string
  image?: string
  fprocess?: string
  environment?: Record<string, string>
  environment_file?: string[]
  secrets?: string[]
  skip_build?: boolean
  /** undefined = not given; [] = given empty (faas-cli distinguishes nil and empty). */
  constraints?: string[]
  labels?: Record<string, string>
  annotations?: Record<string, string>
  limits?: FunctionResources
  requests?: FunctionResources
  readonly_root_filesystem?: boolean
  build_options?: string[]
  build_args?: Record<string, string>
  build_secrets?: Record<string, string>
  namespace?: string
  platforms?: string
}

export interface TemplateSource {
  name: string
  source?: string
}

export interface StackConfiguration {
  templates?: TemplateSource[]
  copy?: string[]
}

export interface Stack {
  version?: string
  provider: {name: string; gateway?: string}
  /** Functions in file order (after --filter/--regex selection). */
  functions: StackFunction[]
  configuration?: StackConfiguration
  /** Where the stack came from: a path relative to the CWD as given, a URL, or `-` for stdin. */
  source: string
}
