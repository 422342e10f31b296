"""The Discord shell (discord.py) around the AnswerService."""
