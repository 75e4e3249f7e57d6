"""Speed figures behind `akhbar bench`: medians of several runs, printed as JSON."""
