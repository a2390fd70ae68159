"""Custom questions of an event (issue 15.4): what panitia ask at registration, and the answers.

models.py holds EventQuestion and RegistrationAnswer; answers.py is the one owner of how an
answer is checked, stored and shown; manage.py keeps an event's question list; saving.py stores
a registration's answers in the caller's transaction; views.py is the panitia page.
"""
