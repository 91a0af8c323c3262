"""The application file: creating one, the rules every programme's form shares, its
attachments, search and the lists, and the exports."""
