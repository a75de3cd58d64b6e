"""What a finished job shows: the dashboard's figures, timeline playback, the exercise
products (MSEL, planning report)."""
