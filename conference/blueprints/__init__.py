"""One blueprint per area, registered one by one in ``create_app``."""
