"""Read aloud: recorded or synthetic voice notes of the messages that matter."""
