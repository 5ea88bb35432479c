"""Helpers shared by the Deal Clock notebooks.

One module, one job: ``paths`` (project folders), ``io`` (read raw tables with clear
errors, write outputs atomically), ``text`` (hidden characters in cells and messages),
``schemas`` (pandera schemas of raw and processed tables, one module per family),
``source_blocklist`` (domains never cited), ``dates`` (partial dates and month
arithmetic), ``countries`` (exact partner names to ISO3 codes), ``stats`` (averages and
intervals), ``survival`` (time-to-event tables), ``trade`` (the Census trade layout),
``plotting`` (figure style and saving) and ``report`` (rendering results into notebooks
and pages). tests/test_layering.py keeps them layered.
"""

__version__ = "0.1.0"
