"""One module per format family; importing a module registers its reader."""
