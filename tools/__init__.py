"""bert-ts's Python tools: the PyTorch reference, the fixture and checkpoint generators
and (in train/) the training of the shipped models. One package, run from the
repository root as modules, e.g. `/usr/bin/python3 -m tools.make_golden`."""
