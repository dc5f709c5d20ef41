"""Example workflows shipped with nodeweave, each a document plus the data files it reads.

``<name>.json`` is the workflow; the other ``<name>.*`` files are its data, copied into a worker's
``files/`` folder when the example opens (see :mod:`nodeweave.worker.examples`).

``sales``: read ``sales.csv``, keep the orders of at least N units (N from a slider), total the
revenue per region and show it as a bar chart. ``python -m nodeweave.examples.make_sales`` writes
both files.
"""
