"""`python -m eyewatch_gen` runs the CLI."""

from eyewatch_gen.entry import main

if __name__ == "__main__":
    main()
