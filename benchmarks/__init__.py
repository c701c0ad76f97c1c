"""Benchmarks: a synthetic catalogue generator and serkg-versus-naive measurements."""
