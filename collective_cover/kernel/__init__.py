"""The shell's shared kernel: what the cover and coaching capabilities both stand on (door checks, records
only the app writes, the core whitelisted methods the app narrows). It imports the engine and Frappe,
never `collective_cover.cover`, `collective_cover.coaching`, the api or the module."""
