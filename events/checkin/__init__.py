"""Check-in at the door: one service for every caller.

- service.py: `record_scan` (decide and record one scan, idempotent per scan_id) and `undo`;
- access.py: who may scan which event (`scannable_event`, `can_scan`, the door-staff grants);
- codes.py: reading the scanned text; messages.py: the Indonesian answers;
- queries.py: live counts and the registrant search for the door.
The API (events/api/checkin.py) maps a scan's result to its HTTP status.
"""
