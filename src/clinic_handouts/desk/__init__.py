"""The front desk: a web application staff sign in to, to find, print, email and record handouts."""
