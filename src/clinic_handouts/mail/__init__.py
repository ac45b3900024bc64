"""``handouts email``: the message, the recipient, the mail server, the send log."""
