'use strict'

// Called once per request.
//   event:   { body, headers, method, query, path }
//   context: status(code), headers({...}), succeed(value), fail(err); or just return a value.
// Objects are sent as JSON text. Secrets are files in the folder named by the
// OPENFAAS_SECRETS_PATH environment variable (/var/openfaas/secrets/ in a container).
module.exports = async (event, context) => {
  const name = typeof event.query.name === 'string' ? event.query.name : 'world'
  return context
    .status(200)
    .headers({'Content-Type': 'application/json'})
    .succeed({
      message: `Hello, ${name}!`,
      method: event.method,
      body: event.body
    })
}
