"""Campaigns: a coordinator announces a form to its audience (people whose profile matches),
watches who answered per municipality and school, and reminds those who did not."""
