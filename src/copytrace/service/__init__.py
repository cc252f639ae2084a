"""The HTTP service over an index: a JSON API with an OpenAPI description, and a web page.

Built on FastAPI (run by uvicorn), an optional dependency: `pip install "copytrace[service]"`.
`copytrace.service.server.run` starts it; `copytrace.service.app.create_app` builds the app.
"""
