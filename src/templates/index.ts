/**
 * Templates: template.yml, the ./template folder, the shipped templates-store, fetching
 * repositories (git / degit), the template store index, and scaffolding (`new`).
 */
export {type BuildOption, DEFAULT_HANDLER_FOLDER, type HostSpec, type TemplateSpec, WATCHDOG_MODES, type WatchdogMode, parseTemplateSpec, readTemplateSpec} from './spec.js'
export {type EnsureOptions, type EnsureResult, type ResolveOptions, type ResolvedTemplate, type TemplateOrigin, ensureTemplates, resolveTemplate} from './resolve.js'
export {resolveOffline} from './resolve-local.js'
export {type PullOptions, type PullResult, overwriteError, pullTemplates, wroteLine} from './pull.js'
export {type TemplateInfo, type TemplateStore, filterTemplates, findTemplate, loadTemplateStore, sortTemplates, templateStoreUrl} from './store.js'
export {SHIPPED_REPO, installShippedTemplate, isShippedTemplate, listShippedTemplates} from './shipped.js'
export {listAvailableLanguages, listLocalTemplates} from './local.js'
export {assertTemplateName, splitPinned} from './names.js'
export {packageRoot, projectTemplateDir, projectTemplatesDir, shippedStoreDir, templatesCacheDir} from './paths.js'
export {UnsafeTemplateError} from './safety.js'
export {type NamedPullOptions, type StackPullOptions, pullFromStore, pullStackTemplates} from './sources.js'
export {type NewFunctionRequest, type NewFunctionResult, createFunction, newStackTarget, renderNewResult} from './scaffold.js'
