"""Developer tooling, not the product: the demo programme (`bench --site <site> collective-cover-demo`)
and the benchmarks. Nothing the app runs imports from here; it may import anything of the app."""
