"""Event services: the rules for events, programs, speakers, registration, tickets, import, mail.

Services add()/flush() but never commit; views and CLI commands commit once.
"""
