"""The local engine: the whole pipeline on one machine, all cores, bounded memory."""
