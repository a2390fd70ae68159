"""Operations: backups, restore, retention and anonymisation chores."""
