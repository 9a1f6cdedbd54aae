"""Training of the models shipped in weights/: `/usr/bin/python3 -m tools.train.make <name>`
(see README.md here)."""
