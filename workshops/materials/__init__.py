"""Session materials: files (slides, notebooks, data) and links, with who may see them."""
