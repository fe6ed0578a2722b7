"""Writing the script: the offline writer and what it builds on."""

from animagenius.pipeline.script.offline import OfflineWriter, write_script

__all__ = ["OfflineWriter", "write_script"]
