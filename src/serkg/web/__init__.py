"""``serkg serve``: the SPARQL 1.1 Protocol endpoint, named-query API, web UI and linked data.

Queries run in a small pool of worker processes, each holding the built store open read-only.
pyoxigraph releases the GIL while it evaluates, but it cannot cancel a running query: a thread
whose query exceeds the time limit would keep a core busy until the query ends (a cross-join
bomb never does). A worker process can be killed; it is then replaced and the client gets 503.
Safe by default: SPARQL Update, LOAD and SERVICE (pyoxigraph would call any URL a query names)
are refused unless enabled; the server listens on 127.0.0.1 unless told otherwise.

Layers, lowest first (a module imports only those above it in this list): ``config``,
``refusals``, ``negotiation``, ``jobs``, ``workers``, ``answer_cache``, ``responses``,
``service_description``; then the route modules ``protocol``, ``api``, ``ui``,
``linked_data``; then ``app`` and ``__main__``. Importing this package loads none of them (nor FastAPI); a query worker loads
only ``workers`` and what it needs.
"""
