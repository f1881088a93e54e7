/**
 * The function store for `generate --from-store`: faas-cli reads its default store index there
 * (not OPENFAAS_STORE, spec §1.0); faas's default index is the shipped function-store.json, so
 * this works offline.
 */
import type {StoreFunctionLike} from './generate.js'

export async function loadStoreFunctions(): Promise<StoreFunctionLike[]> {
  const {loadFunctionStore} = await import('../store/index.js')
  const {store} = await loadFunctionStore({env: {}})
  return store.functions
}
