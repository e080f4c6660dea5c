"""``orbitkit serve``: an offline planning page in the browser, and its JSON endpoints.

Three modules:

* :mod:`orbitkit.web.api` -- the endpoints as plain functions of the query parameters,
  free of any web framework: each checks its inputs (a :class:`~orbitkit.errors.UserError`
  naming the parameter, expected vs found), bounds the work, and calls the same library
  functions as the CLI verb it mirrors (``coverage``, ``passes``, ``skyplot``,
  ``groundtrack``, ``sites``), so the page and the command line give the same numbers;
* :mod:`orbitkit.web.app` -- the Starlette application: routes, errors as
  ``{"error": ...}`` with a 4xx status, only the package's own page files served;
* ``orbitkit/web/static/`` -- the page: plain HTML, CSS and ES modules drawing SVG, maps
  from the bundled Natural Earth land; nothing from a CDN.

Nothing here is imported by ``import orbitkit``; the web stack (Starlette, uvicorn) is
imported only when ``orbitkit serve`` runs or :func:`orbitkit.web.app.create_app` is called.
"""
