'use strict'

// Called once per request.
//   event:   { body, headers, method, query, path }
//   context: status(code), headers({...}), succeed(value), fail(err); or just return a value.
// Objects are sent as JSON text. context.secret('api-key') returns the value of a secret made
// with "faas secret create api-key" and listed under "secrets:" in stack.yaml.
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
