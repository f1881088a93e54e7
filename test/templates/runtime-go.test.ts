/**
 * The golang-http template's runtime (main.go, net/http only): host build with `go build`,
 * then the server on the port given in http_port.
 */
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {hasProgram, startFunction} from './runtime-helpers.js'

const HANDLER = `package function

import (
	"fmt"
	"io"
	"net/http"
	"os"
)

func Handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("X-Secrets-Path", os.Getenv("OPENFAAS_SECRETS_PATH"))
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, "%s %s %s %q", r.Method, r.URL.Path, r.URL.Query().Get("q"), string(body))
}
`

describe('golang-http runtime', {skip: !hasProgram('go') && 'go is not installed (Debian: golang-go)'}, () => {
  it('builds with the standard library only and serves function.Handle on http_port', {timeout: 180_000}, async () => {
    const fn = await startFunction('golang-http', {'handler.go': HANDLER}, {OPENFAAS_SECRETS_PATH: '/tmp/secrets-x'})
    try {
      const res = await fetch(`${fn.url}/some/path?q=1`, {method: 'POST', body: 'hello'})
      assert.equal(res.status, 201)
      assert.equal(res.headers.get('x-secrets-path'), '/tmp/secrets-x')
      assert.equal(await res.text(), 'POST /some/path 1 "hello"')
    } finally {
      await fn.stop()
    }
  })

  it('runs the sample handler', {timeout: 180_000}, async () => {
    const fn = await startFunction('golang-http')
    try {
      const res = await fetch(`${fn.url}/?name=Ada`, {method: 'POST', body: 'hi'})
      assert.deepEqual(await res.json(), {message: 'Hello, Ada!', method: 'POST', length: 2})
    } finally {
      await fn.stop()
    }
  })
})
