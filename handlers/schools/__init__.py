"""What a school reads back: /myschool, the school's anonymised picture next to its
municipality's."""
