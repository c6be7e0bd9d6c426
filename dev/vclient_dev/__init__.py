"""Dev-only tooling: the local stack, fakes, the CLI and benchmarks. Never shipped."""
