/**
 * faas-cli's flags, with its names, shorthands and defaults (spec §1.1), as oclif flag
 * definitions that commands spread into their own `flags`. Boolean flags accept Go's
 * `--flag=false` form too (BaseCommand rewrites it to `--no-flag` before parsing).
 */
import {Flags} from '@oclif/core'

import {DEFAULT_GATEWAY} from './config/gateway.js'
import {parseDuration} from './util/duration.js'

/** A repeatable string flag: each occurrence adds one value (Go's stringArray). */
export function stringArray(description: string, char?: Parameters<typeof Flags.string>[0]['char']) {
  return Flags.string({description, char, multiple: true, multipleNonGreedy: true, default: []})
}

/** A Go duration flag (`1m30s`), parsed into milliseconds. */
export function duration(description: string, defaultValue: string) {
  return Flags.custom<number>({
    description: `${description} (Go duration, e.g. 30s, 1m30s)`,
    defaultHelp: async () => defaultValue,
    parse: async (input, _ctx, opts) => parseDuration(input, opts.name),
  })({default: parseDuration(defaultValue)})
}

/** Global flags faas-cli puts on its root command: every command accepts them. */
export const globalFlags = {
  yaml: Flags.string({char: 'f', description: 'Path to the stack file (or an http(s) URL, or - for stdin)', helpGroup: 'GLOBAL'}),
  regex: Flags.string({description: 'Regex to match with function names in the stack file', default: '', helpGroup: 'GLOBAL'}),
  filter: Flags.string({description: 'Wildcard to match with function names in the stack file', default: '', helpGroup: 'GLOBAL'}),
}

/** [GW]: gateway address, TLS verification, bearer token. */
export const gatewayFlags = {
  gateway: Flags.string({char: 'g', description: 'Gateway URL starting with http(s)://', default: DEFAULT_GATEWAY}),
  'tls-no-verify': Flags.boolean({description: 'Disable TLS validation', default: false, allowNo: true}),
  token: Flags.string({char: 'k', description: 'Pass a JWT token to use instead of basic auth', default: ''}),
}

export const gatewayOnlyFlag = {gateway: gatewayFlags.gateway}

export const namespaceFlag = {
  namespace: Flags.string({char: 'n', description: 'Namespace of the function', default: ''}),
}

export const envsubstFlag = {
  envsubst: Flags.boolean({description: 'Substitute environment variables in the stack file', default: true, allowNo: true}),
}

/** `namespace create|update`: what to set on the namespace. */
export const namespaceMetadataFlags = {
  label: stringArray('Label to set on the namespace (KEY=VALUE)', 'l'),
  annotation: stringArray('Annotation to set on the namespace (KEY=VALUE)'),
}

/** Where `secret create` / `secret update` read the value (stdin when neither is given). */
export const secretValueFlags = {
  'from-literal': Flags.string({description: 'Value of the secret'}),
  'from-file': Flags.string({description: 'Path to the secret file'}),
  trim: Flags.boolean({description: 'Trim whitespace from the start and end of the secret value', default: true, allowNo: true}),
}

export const jsonFlag = {
  json: Flags.boolean({char: 'j', description: 'Print the result as JSON on stdout', default: false, allowNo: true}),
}

export const tagFlag = {
  tag: Flags.string({
    description: 'Override latest tag on function Docker image, accepts "latest", "sha", "branch", "describe" or "digest"',
    default: 'latest',
  }),
}

/** [BUILD]: build, and reused by publish, up and local-run. */
export const buildFlags = {
  image: Flags.string({description: 'Docker image name to build', default: ''}),
  handler: Flags.string({description: 'Directory with handler for function, e.g. handler.js', default: ''}),
  name: Flags.string({description: 'Name of the deployed function', default: ''}),
  lang: Flags.string({description: 'Programming language template', default: ''}),
  'no-cache': Flags.boolean({description: 'Do not use Docker\'s build cache', default: false, allowNo: true}),
  squash: Flags.boolean({description: 'Use Docker\'s squash flag for smaller images [experimental]', default: false, allowNo: true}),
  parallel: Flags.integer({description: 'Build in parallel to depth specified', default: 1}),
  shrinkwrap: Flags.boolean({description: 'Just write files to ./build/ folder for shrink-wrapping', default: false, allowNo: true}),
  'build-arg': stringArray('Add a build-arg for Docker (KEY=VALUE)', 'b'),
  'build-option': stringArray('Set a build option, e.g. dev', 'o'),
  'build-label': stringArray('Add a label for Docker image (LABEL=VALUE)'),
  'copy-extra': stringArray('Extra paths that will be copied into the function build context'),
  quiet: Flags.boolean({description: 'Perform a quiet build, without showing output from Docker', default: false, allowNo: true}),
  'disable-stack-pull': Flags.boolean({description: 'Disables the template configuration in the stack.yaml', default: false, allowNo: true}),
  pull: Flags.boolean({description: 'Force a re-pull of base images in template during build, useful for publishing images', default: false, allowNo: true}),
  debug: Flags.boolean({description: 'Enable debug output when pulling templates', default: false, allowNo: true}),
  overwrite: Flags.boolean({description: 'Overwrite existing templates from the template repository', default: true, allowNo: true}),
  ...tagFlag,
  ...envsubstFlag,
}

/** [DEPLOY]: deploy, and the deploy half of up. */
export const deployFlags = {
  fprocess: Flags.string({description: 'fprocess value to be run as a serverless function by the watchdog', default: ''}),
  ...gatewayFlags,
  handler: Flags.string({description: 'Directory with handler for function, e.g. handler.js', default: ''}),
  image: Flags.string({description: 'Docker image name to build', default: ''}),
  lang: Flags.string({description: 'Programming language template', default: ''}),
  name: Flags.string({description: 'Name of the deployed function', default: ''}),
  network: Flags.string({description: 'Name of the network', default: ''}),
  ...namespaceFlag,
  env: stringArray('Set one or more environment variables (ENVVAR=VALUE)', 'e'),
  label: stringArray('Set one or more label (LABEL=VALUE)', 'l'),
  annotation: stringArray('Set one or more annotation (ANNOTATION=VALUE)'),
  replace: Flags.boolean({description: 'Remove and re-create existing function(s)', default: false, allowNo: true}),
  update: Flags.boolean({description: 'Perform rolling update on existing function(s)', default: true, allowNo: true}),
  constraint: stringArray('Apply a constraint to the function'),
  secret: stringArray('Give the function access to a secure secret'),
  readonly: Flags.boolean({description: 'Force the root container filesystem to be read only', default: false, allowNo: true}),
  ...tagFlag,
  ...envsubstFlag,
  'read-template': Flags.boolean({description: 'Read the function\'s template', default: true, allowNo: true}),
  timeout: duration('Timeout for any HTTP calls made to the OpenFaaS API', '1m0s'),
  'cpu-request': Flags.string({description: 'Supply the CPU request for the function in Mi', default: ''}),
  'cpu-limit': Flags.string({description: 'Supply the CPU limit for the function in Mi', default: ''}),
  'memory-request': Flags.string({description: 'Supply the memory request for the function in Mi', default: ''}),
  'memory-limit': Flags.string({description: 'Supply the memory limit for the function in Mi', default: ''}),
}
