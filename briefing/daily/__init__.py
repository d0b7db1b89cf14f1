"""The unattended side of `brief`: the lock that keeps runs apart (and, later, the daily
run and delivery)."""
