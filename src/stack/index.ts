/**
 * The stack.yaml engine (spec §2): load → envsubst → parse + validate → select, plus the merge
 * rules deploy/build apply. Importing this module loads the YAML parser: import it lazily
 * (`await import('../stack/index.js')`) from commands. The submodules load.ts, select.ts,
 * merge.ts and envsubst.ts are cheap on their own.
 */
export type {FunctionResources, Stack, StackConfiguration, StackFunction, TemplateSource} from './types.js'
export {envsubst} from './envsubst.js'
export {DEFAULT_STACK_FILES, findDefaultStackFile, loadStack, readStackText, REMOTE_STACK_TIMEOUT_MS} from './load.js'
export type {LoadStackOptions} from './load.js'
export {parseEnvironmentFile, parseStack, VALID_PROVIDER, VALID_VERSIONS} from './parse.js'
export {compileRegex, functionMatcher, NO_MATCH_MESSAGE, selectFunctions, wildcardToRegExp} from './select.js'
export {
  functionEnvironment,
  mergeAnnotations,
  mergeBuildArgs,
  mergeBuildOptions,
  mergeConstraints,
  mergeCopyPaths,
  mergeEnvironment,
  mergeLabels,
  mergeReadonly,
  mergeSecrets,
  parseBuildArgFlags,
  parseKeyValueFlags,
  readEnvironmentFiles,
} from './merge.js'
export type {KeyValueOptions} from './merge.js'
