"""People: accounts and organisations, committee seats, sign-in security (passwords, second
factor, throttling), notifications, the mail outbox and reminders of due dates."""
