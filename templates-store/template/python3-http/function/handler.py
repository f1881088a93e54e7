def handle(event, context):
    """Answer one request.

    event.body is the raw request body (bytes), event.headers the request headers,
    event.method, event.path, and event.query (event.query["k"] or event.query.getlist("k")).
    Return a dict: statusCode, body (a dict is sent as JSON) and headers.
    context.secret("api-key") returns the value of a secret made with
    "faas secret create api-key" and listed under "secrets:" in stack.yaml.
    """
    name = event.query.get("name", "world")
    return {
        "statusCode": 200,
        "body": {
            "message": "Hello, %s!" % name,
            "method": event.method,
            "length": len(event.body),
        },
    }
