"""Query helpers shared by the Collective Cover script reports (collective_cover/collective_cover/report/):
what a user may see, ledger totals aggregated in SQL, and members' standing in a pool over a window."""
