"""Data for the is-a taxonomy (``isa.yaml``), the hand rules it is built from (``manual.yaml``) and the
script that rebuilds it (``python -m app.grounding.taxonomy.build``). The loader is ``app.grounding._taxonomy``.
"""
