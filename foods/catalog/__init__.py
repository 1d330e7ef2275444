"""The seed catalog (seed.toml) and the loader that upserts it: see loader.py."""
