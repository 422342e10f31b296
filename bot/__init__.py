"""alsbot: answers about ALS treatment from a curated corpus, with citations.

``bot.answer.AnswerService`` is the one answering service; ``bot.cli`` and
``bot.discord_app`` are thin shells around it.
"""
