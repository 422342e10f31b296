"""The bundled corpus: five public web pages about ALS treatment, with their manifest.

The files are shipped as package data so that ``pip install .`` gives a working ``alsbot``.
"""

from pathlib import Path

#: Folder holding ``manifest.toml`` and the documents it lists.
BUNDLED_CORPUS: Path = Path(__file__).resolve().parent
