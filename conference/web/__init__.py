"""What views share, importing core only: the save-and-redirect helper, loaders, shared fields."""
