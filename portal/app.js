// The faas portal: a page over the gateway's own API (same origin, the browser's basic-auth
// credentials). Remote text is only ever put in the page as text (textContent), never as HTML.
'use strict'

const REFRESH_MS = 3000
const MAX_LOG_LINES = 1000
const MAX_SHOWN_TEXT = 256 * 1024

const $ = (id) => document.getElementById(id)
const state = {
  ns: 'openfaas-fn',
  list: new Map(), // name → FunctionStatus from the last refresh
  rows: new Map(), // name → {tr, cells}
  current: null, // {ns, name, status}
  logs: null, // AbortController of the log stream
  blobUrl: '',
  timer: 0,
  refreshing: false,
  again: false,
}

/** An element with text content and attributes; children are nodes or strings (as text). */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue
    if (k === 'text') e.textContent = v
    else if (k === 'class') e.className = v
    else e.setAttribute(k, v === true ? '' : String(v))
  }
  for (const c of children) e.append(c)
  return e
}

class ApiError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

/** fetch with the gateway's error text in the Error; 401 says how to log in. */
async function api(path, opts = {}) {
  const res = await fetch(path, {credentials: 'same-origin', cache: 'no-store', ...opts})
  if (!res.ok) {
    if (res.status === 401) throw new ApiError(401, 'The gateway asks for credentials: reload the page to log in.')
    const text = (await res.text().catch(() => '')).trim().slice(0, 500)
    throw new ApiError(res.status, `${res.status} ${res.statusText}${text ? ': ' + text : ''}`)
  }
  return res
}

async function getJson(path) {
  const text = await (await api(path)).text()
  return text ? JSON.parse(text) : null
}

function sendJson(method, path, body) {
  return api(path, {method, headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
}

function showAlert(message) {
  const a = $('alert')
  a.textContent = message
  a.hidden = !message
}

const q = (s) => encodeURIComponent(s)
const nsQuery = () => `namespace=${q(state.ns)}`
const fmtMs = (ms) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`)

function fmtBytes(n) {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}

function statusOf(f) {
  const ready = f.availableReplicas || 0
  if (ready > 0) return ['Ready', 'ok']
  if (!f.replicas) return ['Scaled to zero', 'idle']
  return ['Not ready', 'warn']
}

const replicasText = (f) => `${f.availableReplicas || 0}/${f.replicas || 0}`
const fnHash = (ns, name) => `#/fn/${q(ns)}/${q(name)}`

// ---- the list ------------------------------------------------------------------------------

function makeRow(name) {
  const link = el('a', {href: fnHash(state.ns, name), text: name})
  const cells = {
    image: el('code'),
    replicas: el('td', {class: 'num', 'data-label': 'Replicas'}),
    invocations: el('td', {class: 'num', 'data-label': 'Invocations'}),
    status: el('span', {class: 'badge'}),
  }
  const tr = el(
    'tr',
    {'data-name': name},
    el('th', {scope: 'row'}, link),
    el('td', {'data-label': 'Image', class: 'image'}, cells.image),
    cells.replicas,
    cells.invocations,
    el('td', {'data-label': 'Status'}, cells.status),
  )
  return {tr, cells}
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text
}

function renderList(list) {
  const tbody = $('functions').tBodies[0]
  const names = list.map((f) => f.name)
  const seen = new Set(names)
  for (const [name, row] of state.rows) {
    if (!seen.has(name)) {
      row.tr.remove()
      state.rows.delete(name)
    }
  }
  let changedOrder = false
  for (const f of list) {
    let row = state.rows.get(f.name)
    if (!row) {
      row = makeRow(f.name)
      state.rows.set(f.name, row)
      changedOrder = true
    }
    const [status, kind] = statusOf(f)
    setText(row.cells.image, f.image || '')
    setText(row.cells.replicas, replicasText(f))
    setText(row.cells.invocations, String(f.invocationCount || 0))
    setText(row.cells.status, status)
    row.cells.status.className = `badge ${kind}`
  }
  // rows are moved only when one was added, so a focused link keeps its focus
  if (changedOrder) for (const name of names) tbody.append(state.rows.get(name).tr)
  applyFilter()
  state.list = new Map(list.map((f) => [f.name, f]))
}

function applyFilter() {
  const needle = $('filter').value.trim().toLowerCase()
  let shown = 0
  for (const [name, row] of state.rows) {
    const visible = !needle || name.toLowerCase().includes(needle)
    row.tr.hidden = !visible
    if (visible) shown++
  }
  const total = state.rows.size
  const time = new Date().toLocaleTimeString()
  const what = total === 0 ? 'No functions in this namespace.' : needle ? `${shown} of ${total} functions shown.` : `${total} function${total === 1 ? '' : 's'}.`
  setText($('list-status'), `${what} Updated ${time}.`)
}

async function refresh() {
  clearTimeout(state.timer)
  // one refresh at a time: a call meanwhile runs once more after it (so timers never pile up)
  if (state.refreshing) {
    state.again = true
    return
  }
  state.refreshing = true
  try {
    const ns = state.ns
    const list = (await getJson(`/system/functions?${nsQuery()}`)) || []
    if (ns !== state.ns) {
      state.again = true
      return
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    renderList(list)
    // for the benchmark: when the first list was on screen
    if (!performance.getEntriesByName('list-shown').length) performance.mark('list-shown')
    if (state.current) {
      const f = state.list.get(state.current.name)
      if (f) renderFacts({...state.current.status, ...f})
    }
  } catch (err) {
    setText($('list-status'), `Could not load the functions: ${err.message}`)
  } finally {
    state.refreshing = false
    if (state.again) {
      state.again = false
      refresh()
    } else if (!document.hidden) state.timer = setTimeout(refresh, REFRESH_MS)
  }
}

// ---- one function --------------------------------------------------------------------------

function fillPairs(dl, map) {
  dl.replaceChildren()
  const entries = Object.entries(map || {})
  if (!entries.length) dl.append(el('div', {class: 'none', text: 'none'}))
  for (const [k, v] of entries.sort(([a], [b]) => (a < b ? -1 : 1))) {
    dl.append(el('div', {}, el('dt', {text: k}), el('dd', {text: String(v)})))
  }
}

function renderFacts(f) {
  const [status] = statusOf(f)
  const url = `${location.origin}/function/${f.name}${f.namespace && f.namespace !== 'openfaas-fn' ? '.' + f.namespace : ''}`
  const facts = [
    ['Status', status],
    ['Image', f.image || ''],
    ['Namespace', f.namespace || state.ns],
    ['Replicas', `${f.availableReplicas || 0} ready of ${f.replicas || 0}`],
    ['Invocations', String(f.invocationCount || 0)],
    ['URL', url],
  ]
  if (f.envProcess) facts.push(['Process', f.envProcess])
  if (f.createdAt) facts.push(['Created', new Date(f.createdAt).toLocaleString()])
  if (f.usage && f.usage.totalMemoryBytes) facts.push(['Memory', fmtBytes(f.usage.totalMemoryBytes)])
  if (f.readOnlyRootFilesystem) facts.push(['Read-only root', 'yes'])
  const dl = $('facts')
  const kids = facts.map(([k, v]) => el('div', {}, el('dt', {text: k}), el('dd', {text: v})))
  // only rewritten when something changed (the refresh runs every few seconds)
  const key = JSON.stringify(facts)
  if (dl.dataset.key !== key) {
    dl.replaceChildren(...kids)
    dl.dataset.key = key
  }
}

async function openDetail(ns, name, focus) {
  if (ns !== state.ns) {
    state.ns = ns
    $('namespace').value = ns
    resetList()
  }
  const same = state.current && state.current.name === name && state.current.ns === ns
  if (!same) {
    stopLogs()
    $('logs').replaceChildren()
    setText($('logs-status'), '')
    $('answer').hidden = true
    state.current = {ns, name, status: {name, namespace: ns}}
  }
  document.body.classList.add('has-detail')
  $('detail').hidden = false
  setText($('detail-title'), name)
  document.title = `${name} · faas portal`
  if (focus) $('detail-title').focus()
  try {
    const f = await getJson(`/system/function/${q(name)}?${nsQuery()}`)
    if (!state.current || state.current.name !== name) return
    state.current.status = f
    renderFacts(f)
    fillPairs($('env'), f.envVars)
    fillPairs($('labels'), f.labels)
    fillPairs($('annotations'), f.annotations)
    const secrets = $('secrets')
    secrets.replaceChildren(...(f.secrets || []).map((s) => el('li', {}, el('code', {text: s}))))
    if (!(f.secrets || []).length) secrets.append(el('li', {class: 'none', text: 'none'}))
    showAlert('')
  } catch (err) {
    showAlert(err.status === 404 ? `There is no function ${name} in ${ns}.` : `Could not read ${name}: ${err.message}`)
  }
}

function closeDetail(focus) {
  stopLogs()
  const was = state.current
  state.current = null
  document.body.classList.remove('has-detail')
  $('detail').hidden = true
  document.title = 'Functions · faas portal'
  if (focus && was && state.rows.has(was.name)) state.rows.get(was.name).tr.querySelector('a').focus()
}

function route(focus) {
  const m = /^#\/fn\/([^/]+)\/([^/]+)$/.exec(location.hash)
  if (m) openDetail(decodeURIComponent(m[1]), decodeURIComponent(m[2]), focus)
  else closeDetail(focus)
}

// ---- invoke --------------------------------------------------------------------------------

/** "Name: value" lines → Headers; a line that is not one is an error the user sees. */
function parseHeaders(text) {
  const h = new Headers()
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (!line) continue
    const colon = line.indexOf(':')
    if (colon < 1) throw new Error(`header line ${i + 1} is not "Name: value"`)
    h.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
  }
  return h
}

function isTextType(type) {
  return /^text\/|[/+](json|xml|javascript|ecmascript|x-www-form-urlencoded|yaml|x-ndjson|csv)\b/i.test(type)
}

/** 'json' | 'text' | 'binary', from the content type and, without one, from the bytes. */
function classify(type, bytes) {
  if (/[/+]json\b/i.test(type)) return 'json'
  if (isTextType(type)) return 'text'
  if (type && !/octet-stream/i.test(type)) return 'binary'
  try {
    const text = new TextDecoder('utf-8', {fatal: true}).decode(bytes.subarray(0, 64 * 1024))
    return /[\x00-\x08\x0e-\x1f]/.test(text) ? 'binary' : 'text'
  } catch {
    return 'binary'
  }
}

function extensionFor(type) {
  const t = type.split(';')[0].trim().toLowerCase()
  const known = {'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'image/svg+xml': '.svg', 'application/pdf': '.pdf', 'application/zip': '.zip', 'application/gzip': '.gz'}
  return known[t] || '.bin'
}

function renderAnswer(res, buf, ms) {
  const bytes = new Uint8Array(buf)
  const type = res.headers.get('content-type') || ''
  const own = Number(res.headers.get('x-duration-seconds'))
  const status = $('answer-status')
  status.className = res.ok ? 'ok' : 'error'
  status.textContent = `${res.status} ${res.statusText}`.trim() + ` · ${fmtMs(ms)} · ${fmtBytes(bytes.length)}` + (own ? ` · function ${fmtMs(own * 1000)}` : '')
  const headers = {}
  for (const [k, v] of res.headers) headers[k] = v
  fillPairs($('answer-headers'), headers)
  if (state.blobUrl) URL.revokeObjectURL(state.blobUrl)
  state.blobUrl = ''
  const pre = $('answer-text')
  const kind = classify(type, bytes)
  let download = kind === 'binary'
  if (kind === 'binary') {
    pre.textContent = `A binary answer (${type || 'no content type'}), ${fmtBytes(bytes.length)}.`
  } else {
    let text = new TextDecoder().decode(bytes)
    if (kind === 'json') {
      try {
        text = JSON.stringify(JSON.parse(text), null, 2)
      } catch {
        // not JSON after all: shown as it came
      }
    }
    if (text.length > MAX_SHOWN_TEXT) {
      text = text.slice(0, MAX_SHOWN_TEXT) + '\n… (cut: download the whole answer)'
      download = true
    }
    pre.textContent = bytes.length ? text : '(empty answer)'
  }
  pre.classList.toggle('muted', kind === 'binary' || !bytes.length)
  $('answer-download').hidden = !download
  if (download) {
    state.blobUrl = URL.createObjectURL(new Blob([bytes], {type: type || 'application/octet-stream'}))
    const a = $('answer-link')
    a.href = state.blobUrl
    a.download = `${state.current ? state.current.name : 'function'}-answer${kind === 'binary' ? extensionFor(type) : '.txt'}`
    a.textContent = `Download the answer (${fmtBytes(bytes.length)})`
  }
  $('answer').hidden = false
}

async function invoke(ev) {
  ev.preventDefault()
  if (!state.current) return
  const {ns, name} = state.current
  const status = $('answer-status')
  const method = $('inv-method').value
  let headers
  try {
    headers = parseHeaders($('inv-headers').value)
  } catch (err) {
    $('answer').hidden = false
    status.className = 'error'
    status.textContent = `Headers: ${err.message}`
    return
  }
  const base = `/function/${q(name)}.${q(ns)}`
  let suffix = $('inv-path').value.trim()
  if (suffix && !suffix.startsWith('/') && !suffix.startsWith('?')) suffix = '/' + suffix
  const url = new URL(base + suffix, location.origin)
  if (url.pathname !== base && !url.pathname.startsWith(base + '/')) {
    $('answer').hidden = false
    status.className = 'error'
    status.textContent = 'The path must stay under the function.'
    return
  }
  const withBody = method !== 'GET' && method !== 'HEAD'
  const type = $('inv-type').value.trim()
  if (withBody && type && !headers.has('content-type')) headers.set('Content-Type', type)
  const button = $('inv-send')
  button.disabled = true
  status.className = ''
  status.textContent = 'Invoking…'
  $('answer').hidden = false
  performance.clearMarks()
  performance.clearMeasures('invoke')
  performance.mark('invoke-start')
  const t0 = performance.now()
  try {
    const res = await fetch(url.pathname + url.search, {method, headers, body: withBody ? $('inv-body').value : undefined, credentials: 'same-origin', cache: 'no-store', redirect: 'manual'})
    const buf = await res.arrayBuffer()
    renderAnswer(res, buf, performance.now() - t0)
    performance.mark('invoke-shown')
    performance.measure('invoke', 'invoke-start', 'invoke-shown')
  } catch (err) {
    status.className = 'error'
    status.textContent = `The request failed: ${err.message}`
  } finally {
    button.disabled = false
  }
}

// ---- logs ----------------------------------------------------------------------------------

function logLine(text) {
  let m
  try {
    m = JSON.parse(text)
  } catch {
    m = {text}
  }
  const time = m.timestamp ? new Date(m.timestamp) : null
  return el(
    'li',
    {},
    el('time', {datetime: m.timestamp || undefined, text: time && !isNaN(time) ? time.toLocaleTimeString() : ''}),
    ' ',
    el('span', {class: 'instance', text: m.instance ? String(m.instance).slice(-8) : ''}),
    ' ',
    el('span', {text: String(m.text ?? '')}),
  )
}

function appendLogLines(lines) {
  const box = $('logs')
  const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 8
  const frag = document.createDocumentFragment()
  for (const l of lines) if (l.trim()) frag.append(logLine(l))
  box.append(frag)
  while (box.childElementCount > MAX_LOG_LINES) box.firstElementChild.remove()
  if (atEnd) box.scrollTop = box.scrollHeight
}

function setFollowing(on) {
  const b = $('logs-toggle')
  b.setAttribute('aria-pressed', String(on))
  b.textContent = on ? 'Stop following' : 'Follow logs'
}

async function followLogs() {
  if (!state.current) return
  const {ns, name} = state.current
  const ctl = new AbortController()
  state.logs = ctl
  setFollowing(true)
  setText($('logs-status'), `Following the logs of ${name}…`)
  try {
    const res = await api(`/system/logs?name=${q(name)}&namespace=${q(ns)}&follow=true&tail=100`, {signal: ctl.signal})
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    let rest = ''
    for (;;) {
      const {value, done} = await reader.read()
      if (done) break
      rest += value
      const lines = rest.split('\n')
      rest = lines.pop()
      if (rest.length > 1024 * 1024) rest = ''
      if (lines.length) appendLogLines(lines)
    }
    if (state.logs === ctl) setText($('logs-status'), 'The log stream ended.')
  } catch (err) {
    if (err.name !== 'AbortError' && state.logs === ctl) setText($('logs-status'), `Logs: ${err.message}`)
  } finally {
    if (state.logs === ctl) {
      state.logs = null
      setFollowing(false)
    }
  }
}

function stopLogs() {
  if (!state.logs) return
  state.logs.abort()
  state.logs = null
  setFollowing(false)
  setText($('logs-status'), 'Stopped.')
}

// ---- remove --------------------------------------------------------------------------------

function askRemove() {
  if (!state.current) return
  const d = $('confirm')
  setText($('confirm-text'), `Remove ${state.current.name} from ${state.current.ns}? Its processes stop and its logs go.`)
  d.returnValue = ''
  d.showModal()
}

async function onConfirmClosed() {
  const d = $('confirm')
  if (d.returnValue !== 'remove' || !state.current) {
    $('remove').focus()
    return
  }
  const {ns, name} = state.current
  try {
    await sendJson('DELETE', '/system/functions', {functionName: name, namespace: ns})
    location.hash = ''
    showAlert('')
    setText($('list-status'), `Removed ${name}.`)
    $('main').focus()
    refresh()
  } catch (err) {
    showAlert(`Could not remove ${name}: ${err.message}`)
  }
}

// ---- store ---------------------------------------------------------------------------------

let storeEntries = []

async function openStore() {
  const d = $('store')
  d.showModal()
  setText($('store-status'), 'Loading the store…')
  try {
    storeEntries = (await getJson('/ui/api/store')).functions
    renderStore()
  } catch (err) {
    setText($('store-status'), `Could not read the store: ${err.message}`)
  }
}

function renderStore() {
  const needle = $('store-filter').value.trim().toLowerCase()
  const list = $('store-list')
  const shown = storeEntries.filter((s) => !needle || `${s.name} ${s.title} ${s.description}`.toLowerCase().includes(needle))
  const runnable = storeEntries.filter((s) => s.runnable).length
  setText($('store-status'), `${storeEntries.length} functions in the store, ${runnable} can run here.`)
  list.replaceChildren(
    ...shown.map((s, i) => {
      const note = el('span', {id: `store-note-${i}`, class: `badge ${s.runnable ? 'ok' : 'idle'}`, text: s.runnable ? 'Built on this machine' : 'Not built on this machine'})
      const button = el('button', {type: 'button', 'aria-describedby': note.id, disabled: !s.runnable, text: `Deploy ${s.name}`})
      const result = el('p', {class: 'result', role: 'status'})
      button.addEventListener('click', () => deployFromStore(s, button, result))
      return el(
        'li',
        {},
        el('h3', {text: s.title || s.name}),
        el('p', {text: s.description}),
        el('p', {}, el('code', {text: s.image}), ' ', note),
        el('div', {class: 'actions'}, button),
        result,
      )
    }),
  )
}

async function deployFromStore(entry, button, result) {
  button.disabled = true
  result.className = 'result'
  result.textContent = `Deploying ${entry.name}…`
  try {
    const res = await sendJson('POST', '/system/functions', {...entry.deployment, namespace: state.ns})
    const warning = (await res.text()).trim()
    result.className = 'result ok'
    result.textContent = `Deployed ${entry.name} to ${state.ns}.${warning ? ' ' + warning : ''}`
    refresh()
  } catch (err) {
    result.className = 'result error'
    result.textContent = `Could not deploy ${entry.name}: ${err.message}`
  } finally {
    button.disabled = !entry.runnable
  }
}

// ---- start ---------------------------------------------------------------------------------

function resetList() {
  for (const row of state.rows.values()) row.tr.remove()
  state.rows.clear()
  state.list.clear()
  refresh()
}

async function loadHeader() {
  try {
    const info = await getJson('/system/info')
    const parts = [`gateway ${info.version && info.version.release ? info.version.release : ''}`.trim()]
    if (info.provider && info.provider.orchestration) parts.push(info.provider.orchestration)
    if (info.sandbox) parts.push(`sandbox: ${info.sandbox}`)
    setText($('gateway-info'), parts.join(' · '))
  } catch (err) {
    if (err.status === 401) showAlert(err.message)
  }
  try {
    const names = (await getJson('/system/namespaces')) || []
    const select = $('namespace')
    if (!names.includes(state.ns)) names.unshift(state.ns)
    select.replaceChildren(...names.map((n) => el('option', {value: n, text: n})))
    select.value = state.ns
  } catch {
    // one namespace then
  }
}

function start() {
  const m = /^#\/fn\/([^/]+)\//.exec(location.hash)
  if (m) state.ns = decodeURIComponent(m[1])
  $('namespace').addEventListener('change', (e) => {
    state.ns = e.target.value
    location.hash = ''
    resetList()
  })
  $('filter').addEventListener('input', applyFilter)
  $('invoke').addEventListener('submit', invoke)
  $('logs-toggle').addEventListener('click', () => (state.logs ? stopLogs() : followLogs()))
  $('logs-clear').addEventListener('click', () => $('logs').replaceChildren())
  $('remove').addEventListener('click', askRemove)
  $('confirm').addEventListener('close', onConfirmClosed)
  $('open-store').addEventListener('click', openStore)
  $('store-filter').addEventListener('input', renderStore)
  $('store').addEventListener('close', () => $('open-store').focus())
  $('inv-method').addEventListener('change', (e) => {
    const noBody = e.target.value === 'GET' || e.target.value === 'HEAD'
    $('inv-body').disabled = noBody
    $('inv-type').disabled = noBody
  })
  window.addEventListener('hashchange', () => route(true))
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refresh()
  })
  loadHeader()
  refresh()
  route(false)
}

start()
