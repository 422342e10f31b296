"""Answers as Discord embeds, within Discord's limits by construction. Pure: no network.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
replies use embeds only, never message content (2,000 characters); an embed's title 256,
description 4,096, a field's name 256 and value 1,024, 25 fields, footer 2,048, and 6,000
characters in all; at most 10 embeds and 6,000 characters of embeds a message. Long content
is split across embeds and messages, quotes are trimmed, and every embed carries the
disclaimer in its footer.

Text from documents and people is made inert: Discord markdown is escaped and mentions
("@everyone", "<@id>") cannot ping (the client also sends ``allowed_mentions`` none).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import discord

from bot.models import DISCLAIMER, Answer, Kind
from bot.safety import HELP_NOW
from retrieval.models import DocumentInfo, Passage

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_PER_EMBED = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
MESSAGE_EMBEDS_TOTAL_LIMIT = 6000

TITLES = {
    Kind.ANSWER: "From my documents",
    Kind.NO_ANSWER: "Not in my documents",
    Kind.CRISIS: "You don't have to face this alone",
    Kind.EMERGENCY: "This sounds like an emergency",
    Kind.COMMAND: "alsbot",
    Kind.ERROR: "Sorry",
}
COLOURS = {
    Kind.ANSWER: discord.Colour.blue(),
    Kind.NO_ANSWER: discord.Colour.light_grey(),
    Kind.CRISIS: discord.Colour.purple(),
    Kind.EMERGENCY: discord.Colour.red(),
    Kind.COMMAND: discord.Colour.teal(),
    Kind.ERROR: discord.Colour.orange(),
}


def inert(text: str) -> str:
    """Text that renders as written: no markdown, no mentions."""
    text = discord.utils.escape_markdown(text)
    text = discord.utils.escape_mentions(text)
    return text.replace("<@", "<@\u200b").replace("<#", "<#\u200b")


def trim(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word where possible, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most ``limit`` characters, split at line breaks, then spaces."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            head, line = line[:cut], line[cut:].lstrip()
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()] or [""]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str


def embed_size(embed: discord.Embed) -> int:
    size = len(embed.title or "") + len(embed.description or "")
    size += sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    size += len(embed.footer.text or "") if embed.footer else 0
    return size


def _new_embed(kind: Kind, title: str | None, description: str) -> discord.Embed:
    embed = discord.Embed(
        title=trim(title, TITLE_LIMIT) if title else None,
        description=description or None,
        colour=COLOURS[kind],
    )
    embed.set_footer(text=trim(DISCLAIMER, FOOTER_LIMIT))
    return embed


def build_embeds(kind: Kind, title: str, body: str, fields: Iterable[Field]) -> list[discord.Embed]:
    """Body and fields packed into as many embeds as the limits require."""
    pieces = split_text(body, DESCRIPTION_LIMIT)
    embeds = [_new_embed(kind, title if n == 0 else None, p) for n, p in enumerate(pieces)]
    for field in fields:
        name = trim(field.name, FIELD_NAME_LIMIT)
        value = trim(field.value, FIELD_VALUE_LIMIT)
        last = embeds[-1]
        if (
            len(last.fields) >= FIELDS_PER_EMBED
            or embed_size(last) + len(name) + len(value) > EMBED_TOTAL_LIMIT
        ):
            last = _new_embed(kind, None, "")
            embeds.append(last)
        last.add_field(name=name, value=value, inline=False)
    return embeds


def pack_messages(embeds: list[discord.Embed]) -> list[list[discord.Embed]]:
    """Embeds grouped into messages of at most 10 embeds and 6,000 characters."""
    messages: list[list[discord.Embed]] = [[]]
    total = 0
    for embed in embeds:
        size = embed_size(embed)
        if messages[-1] and (
            len(messages[-1]) >= EMBEDS_PER_MESSAGE or total + size > MESSAGE_EMBEDS_TOTAL_LIMIT
        ):
            messages.append([])
            total = 0
        messages[-1].append(embed)
        total += size
    return messages


def citation_fields(answer: Answer) -> list[Field]:
    fields = []
    for c in answer.citations:
        facts = " · ".join(inert(x) for x in (c.publisher, c.date) if x)
        quote = trim(inert(c.quote), FIELD_VALUE_LIMIT - len(facts) - 8)
        value = f"{facts}\n> “{quote}”" if facts else f"> “{quote}”"
        fields.append(Field(f"[{c.n}] {inert(c.title)}", value))
    return fields


def answer_messages(answer: Answer) -> list[list[discord.Embed]]:
    """An answer (of any kind) as messages of embeds: body and notes, then the sources."""
    body = inert(answer.text)
    if answer.notes:
        body += "\n\n" + "\n\n".join(f"*{inert(n)}*" for n in answer.notes)
    embeds = build_embeds(answer.kind, TITLES[answer.kind], body, citation_fields(answer))
    return pack_messages(embeds)


def passages_messages(passages: list[Passage], heading: str) -> list[list[discord.Embed]]:
    """Full passages (for /sources), one field each, split as needed."""
    if not passages:
        return answer_messages(
            Answer(kind=Kind.COMMAND, text="There is no answer with sources yet.")
        )
    fields = []
    for p in passages:
        where = f"{p.title} › {p.section}" if p.section and p.section != p.title else p.title
        for n, piece in enumerate(split_text(inert(p.text), FIELD_VALUE_LIMIT)):
            name = inert(where) if n == 0 else f"{inert(where)} (continued)"
            fields.append(Field(name, piece))
    return pack_messages(build_embeds(Kind.COMMAND, heading, "", fields))


def about_messages(documents: list[DocumentInfo]) -> list[list[discord.Embed]]:
    body = (
        "I answer questions about ALS treatment from a small set of documents chosen by this "
        "server's moderators, quoting them and citing each sentence. I don't know anything "
        "else, I can be wrong about what a question means, and I am not a doctor: for "
        f"decisions about care, talk to your doctor or care team. {HELP_NOW}\n\n"
        "The documents I know:"
    )
    fields = []
    for d in documents:
        facts = " · ".join(x for x in (d.meta.publisher, d.meta.dated) if x) or "no date stated"
        fields.append(Field(inert(d.title), f"{inert(facts)} · {d.chunk_count} passages"))
    return pack_messages(build_embeds(Kind.COMMAND, "About alsbot", body, fields))


def notice_messages(
    kind: Kind, text: str, title: str | None = None, *, formatted: bool = False
) -> list[list[discord.Embed]]:
    """A short reply (help, a refusal, a confirmation) with the disclaimer.

    ``formatted`` text is our own markdown, with any outside text already made inert.
    """
    body = text if formatted else inert(text)
    return pack_messages(build_embeds(kind, title or TITLES[kind], body, []))
