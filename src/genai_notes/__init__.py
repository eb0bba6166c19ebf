"""Course notes on Generative AI with LLMs: science core, figures and MkDocs plugin."""
