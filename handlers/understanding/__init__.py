"""Understanding what a person types, in their own language, script and digits.

Everything here is pure (no database, no chat) so other capabilities can reuse it: folding
text for comparison, matching typed text to buttons, the words of each language for yes/no,
hours, minutes and days (`words/<locale>.json`, extendable by a translator), and readers for
durations, dates and times of day.
"""
