"""eyewatch-gen: monitoring as code, from one plan.yaml to every config the stack runs on."""

__version__ = "0.1.0"
