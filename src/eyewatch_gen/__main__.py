"""`python -m eyewatch_gen` runs the CLI."""

from eyewatch_gen.cli import main

if __name__ == "__main__":
    main()
