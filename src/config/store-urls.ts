/**
 * faas-cli's default store indexes. They are the `--url` defaults of the store commands; faas
 * serves them from the copies it ships (function-store.json, templates-store/), so the default
 * works offline, and only a URL given explicitly (or by OPENFAAS_STORE /
 * OPENFAAS_TEMPLATE_STORE_URL) is fetched.
 */
export const UPSTREAM_FUNCTION_STORE_URL = 'https://raw.githubusercontent.com/openfaas/store/master/functions.json'
export const UPSTREAM_TEMPLATE_STORE_URL = 'https://raw.githubusercontent.com/openfaas/store/master/templates.json'
