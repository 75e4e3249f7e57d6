"""The app's routers: pages, the JSON API, Atom feeds, operations (health, metrics) and the API docs."""
