/**
 * Small helpers every gateway service shares: status checks, JSON bodies that may be malformed,
 * and faas-cli's `name.namespace` display form.
 */
import {STATUS_CODES} from 'node:http'

import {FaasError} from '../errors.js'
import {printable} from '../ui/escape.js'
import type {GatewayResponse} from './client.js'
import {oneLine, unexpectedStatus} from './client.js'

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300
}

/** `201 Created`: the status and its reason phrase (the gateway's own, escaped, else the standard one), for people. */
export function statusLine(res: GatewayResponse): string {
  return `${res.status} ${printable(res.statusText) || STATUS_CODES[res.status] || ''}`.trim()
}

/** The answer's JSON, or a one-line error saying the gateway sent something else. */
export function parseJsonBody<T>(res: GatewayResponse, what: string): T {
  try {
    return JSON.parse(res.body) as T
  } catch {
    const sample = oneLine(res.body, 60)
    throw new FaasError(`the gateway sent malformed JSON for ${what}${sample ? `: ${sample}` : ' (empty answer)'}`, {
      hint: 'Is --gateway really an OpenFaaS gateway (and not a proxy or login page)? Try "faas ready" or check the gateway logs.',
    })
  }
}

/**
 * The items of a list that are objects with a string `name`. `null`, numbers, strings and
 * nameless objects among them (a broken or hostile gateway or index) are skipped, so one bad
 * item cannot break the listing of the others.
 */
export function namedItems<T extends {name: string}>(list: readonly unknown[]): T[] {
  return list.filter((item): item is T => typeof item === 'object' && item !== null && !Array.isArray(item) && typeof (item as {name?: unknown}).name === 'string')
}

/** A list answer (`null` is an empty list); a one-line error when it is not a list at all. */
export function parseListBody(res: GatewayResponse, what: string): unknown[] {
  const list = parseJsonBody<unknown>(res, what) ?? []
  if (!Array.isArray(list)) throw new FaasError(`the gateway answered ${what} with something that is not a list`, {hint: 'Is --gateway really an OpenFaaS gateway?'})
  return list
}

/** A one-object answer (one function, one namespace); a one-line error for anything else. */
export function parseObjectBody<T>(res: GatewayResponse, what: string): T {
  const value = parseJsonBody<unknown>(res, what)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaasError(`the gateway sent ${value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`} for ${what}, not an object`, {hint: 'Is --gateway really an OpenFaaS gateway?'})
  }
  return value as T
}

/** Throws faas-cli's error for any status outside `ok`. */
export function expectStatus(res: GatewayResponse, ok: readonly number[] = [200]): void {
  if (!ok.includes(res.status)) throw unexpectedStatus(res)
}

/** `name.namespace` (faas-cli prints `name.` when the namespace is empty). */
export function qualifiedName(name: string, namespace?: string, trailingDot = false): string {
  if (namespace) return `${name}.${namespace}`
  return trailingDot ? `${name}.` : name
}

/** The `?namespace=` query (left out when empty). */
export function namespaceQuery(namespace?: string): Record<string, string> | undefined {
  return namespace ? {namespace} : undefined
}
