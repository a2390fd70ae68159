"""Event services: the rules for events, programs, speakers, registration, tickets, import, notices.

Services add()/flush() but never commit; views and CLI commands commit once.
"""
