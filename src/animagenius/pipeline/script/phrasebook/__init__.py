"""One phrase book a language the writer writes in (see `script/phrases.py`)."""
