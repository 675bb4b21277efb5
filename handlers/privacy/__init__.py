"""A person's own data: /mydata shows it (and sends it as a file), /delete_me erases it."""
