"""Benchmarks, printed as ratios: `engine` needs no Frappe; `burden_report` runs on a site."""
