"""The Typer commands of pptrack, one module per concern; `pptrack.cli` assembles them."""
