"""The build engine, free of MkDocs: expressions, placeholders, figure blocks, caches, HTML.

The plugin in :mod:`genai_notes.plugin` only wires these modules to MkDocs events, so the site
can move to another static-site generator by writing a new thin plugin.
"""
