"""Test helper (not a test module): a small fake Discord (REST and gateway) on loopback,
for end-to-end tests of discord.py bots.

The server is a plain :mod:`aiohttp` application.  A *real* ``discord.Client`` /
``commands.Bot`` (discord.py 2.7.x) talks to it after two class attributes are patched:

* ``discord.http.Route.BASE`` -- every REST call *and* every webhook / interaction call
  (``discord.webhook.async_`` re-uses ``Route``) is built as ``Route.BASE + path``.
* ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` -- a non-sharded ``Client.connect``
  never calls ``GET /gateway`` or ``/gateway/bot``; it connects straight to this URL with
  ``?v=10&encoding=json&compress=zlib-stream`` appended.  (Only ``AutoShardedClient`` asks
  ``GET /gateway/bot``; we serve it anyway.)  On a RESUME the client uses the
  ``resume_gateway_url`` from READY instead, so READY points that at ``ws://.../resume``.

Gateway compression: discord.py only runs its decompressor on *binary* frames; text frames
are parsed as plain JSON.  So compression is optional.  By default this server honours
``compress=zlib-stream`` (one shared ``zlib`` stream per connection, each message flushed
with ``Z_SYNC_FLUSH`` so it ends in ``00 00 ff ff``) to exercise the real client path, and
falls back to text frames for anything else (e.g. ``zstd-stream``, which discord.py asks for
when ``zstandard`` is installed or on Python 3.14+).

Typical use::

    async with FakeDiscord() as fake:
        bot = make_bot()
        async with fake.run_bot(bot):
            await fake.dispatch("MESSAGE_CREATE", fake.message(content=f"<@{fake.bot_id}> hi"))
            req = await fake.wait_for_request("POST", r"/channels/\\d+/messages")
            assert req.json["embeds"][0]["title"] == "hello"
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import discord
import yarl
from aiohttp import BodyPartReader, WSMsgType, web

JSON = dict[str, Any]
T = TypeVar("T")
ClientT = TypeVar("ClientT", bound=discord.Client)
Handler = Callable[["RecordedRequest", "re.Match[str]"], Awaitable["Reply"]]

DISCORD_EPOCH_MS = 1420070400000
API_PREFIX = "/api/v10"

# Gateway opcodes (https://discord.com/developers/docs/topics/opcodes-and-status-codes)
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# Channel types
TEXT_CHANNEL = 0
DM_CHANNEL = 1
CATEGORY_CHANNEL = 4
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = (10, PUBLIC_THREAD, PRIVATE_THREAD)

# Interaction callback types
CALLBACK_PONG = 1
CALLBACK_CHANNEL_MESSAGE = 4
CALLBACK_DEFERRED_CHANNEL_MESSAGE = 5
CALLBACK_DEFERRED_UPDATE = 6
CALLBACK_UPDATE_MESSAGE = 7
CALLBACK_AUTOCOMPLETE = 8
CALLBACK_MODAL = 9

ALL_PERMISSIONS = discord.Permissions.all().value
ADMINISTRATOR = discord.Permissions(administrator=True).value
PRIVILEGED_INTENTS = discord.Intents(members=True, presences=True, message_content=True).value

EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    read_message_history=True,
    add_reactions=True,
    embed_links=True,
    attach_files=True,
    use_application_commands=True,
    change_nickname=True,
    create_instant_invite=True,
    connect=True,
    speak=True,
).value
MODERATOR_PERMISSIONS = discord.Permissions(
    manage_guild=True,
    manage_messages=True,
    manage_threads=True,
    kick_members=True,
    moderate_members=True,
).value
BOT_ROLE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    create_public_threads=True,
    manage_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    add_reactions=True,
).value


# --------------------------------------------------------------------------------------
# Small utilities
# --------------------------------------------------------------------------------------


class SnowflakeFactory:
    """Generates strictly increasing, time-based snowflake ids (as strings, like Discord)."""

    def __init__(self) -> None:
        self._last = 0

    def __call__(self) -> str:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = max(ms << 22, self._last + 1)
        self._last = value
        return str(value)


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


def compute_permissions(guild: JSON, member: JSON, channel: JSON | None = None) -> int:
    """Discord's permission algorithm: base role permissions, then channel overwrites.

    Threads inherit the overwrites of their parent channel (looked up in ``guild``).
    """
    user_id = member["user"]["id"]
    if guild.get("owner_id") == user_id:
        return ALL_PERMISSIONS
    roles = {r["id"]: r for r in guild.get("roles", [])}
    perms = int(roles[guild["id"]]["permissions"]) if guild["id"] in roles else 0
    for role_id in member.get("roles", []):
        if role_id in roles:
            perms |= int(roles[role_id]["permissions"])
    if perms & ADMINISTRATOR:
        return ALL_PERMISSIONS
    if channel is None:
        return perms
    if channel.get("type") in THREAD_TYPES:
        parent = next(
            (c for c in guild.get("channels", []) if c["id"] == channel.get("parent_id")), None
        )
        channel = parent or channel
    overwrites = {o["id"]: o for o in channel.get("permission_overwrites", [])}
    if (ow := overwrites.get(guild["id"])) is not None:
        perms = (perms & ~int(ow["deny"])) | int(ow["allow"])
    allow = deny = 0
    for role_id in member.get("roles", []):
        if (ow := overwrites.get(role_id)) is not None:
            allow |= int(ow["allow"])
            deny |= int(ow["deny"])
    perms = (perms & ~deny) | allow
    if (ow := overwrites.get(user_id)) is not None:
        perms = (perms & ~int(ow["deny"])) | int(ow["allow"])
    return perms


# --------------------------------------------------------------------------------------
# Pure payload builders (Discord API v10 shapes, trimmed to what discord.py reads)
# --------------------------------------------------------------------------------------


def user_payload(
    user_id: str, username: str, *, bot: bool = False, global_name: str | None = None
) -> JSON:
    # discord.py requires: id, username, discriminator, avatar (may be None).
    return {
        "id": user_id,
        "username": username,
        "discriminator": "0",
        "global_name": global_name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def role_payload(
    role_id: str, name: str, permissions: int, *, position: int = 0, **extra: Any
) -> JSON:
    return {
        "id": role_id,
        "name": name,
        "permissions": str(permissions),  # permissions are strings in the API
        "position": position,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
        **extra,
    }


def member_payload(user: JSON, roles: Iterable[str] = (), *, nick: str | None = None) -> JSON:
    # discord.py requires "roles" and "flags" (KeyError otherwise); "user" inside guild payloads.
    return {
        "user": user,
        "roles": list(roles),
        "nick": nick,
        "avatar": None,
        "joined_at": iso_now(),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }


def overwrite_payload(target_id: str, *, role: bool, allow: int = 0, deny: int = 0) -> JSON:
    return {"id": target_id, "type": 0 if role else 1, "allow": str(allow), "deny": str(deny)}


def text_channel_payload(
    channel_id: str,
    name: str,
    *,
    guild_id: str,
    position: int = 0,
    parent_id: str | None = None,
    overwrites: Iterable[JSON] = (),
    topic: str | None = None,
) -> JSON:
    return {
        "id": channel_id,
        "type": TEXT_CHANNEL,
        "guild_id": guild_id,
        "name": name,
        "position": position,
        "parent_id": parent_id,
        "topic": topic,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "default_auto_archive_duration": 1440,
        "permission_overwrites": list(overwrites),
        "flags": 0,
    }


def category_payload(channel_id: str, name: str, *, guild_id: str, position: int = 0) -> JSON:
    return {
        "id": channel_id,
        "type": CATEGORY_CHANNEL,
        "guild_id": guild_id,
        "name": name,
        "position": position,
        "parent_id": None,
        "nsfw": False,
        "permission_overwrites": [],
        "flags": 0,
    }


def dm_channel_payload(channel_id: str, recipient: JSON) -> JSON:
    return {
        "id": channel_id,
        "type": DM_CHANNEL,
        "recipients": [recipient],
        "last_message_id": None,
        "flags": 0,
    }


def thread_payload(
    thread_id: str,
    name: str,
    *,
    guild_id: str,
    parent_id: str,
    owner_id: str,
    thread_type: int = PUBLIC_THREAD,
    auto_archive_duration: int = 1440,
    rate_limit_per_user: int | None = 0,
) -> JSON:
    # discord.py's Thread requires parent_id, owner_id, message_count, member_count and
    # thread_metadata.
    return {
        "id": thread_id,
        "type": thread_type,
        "guild_id": guild_id,
        "parent_id": parent_id,
        "owner_id": owner_id,
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": rate_limit_per_user or 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": auto_archive_duration,
            "archive_timestamp": iso_now(),
            "locked": False,
            "create_timestamp": iso_now(),
        },
    }


def unavailable_guild_payload(guild_id: str) -> JSON:
    return {"id": guild_id, "unavailable": True}


# --------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------


@dataclass
class UploadedFile:
    """One ``files[n]`` part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One REST request as the fake server saw it.

    ``path`` is relative to ``/api/v10`` (e.g. ``/channels/1/messages``); ``json`` is the
    decoded JSON body, or the decoded ``payload_json`` part of a multipart body.
    """

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile]
    headers: dict[str, str]
    status: int = 200
    response: Any = None


@dataclass
class Reply:
    """What a route handler returns: status code and a JSON-able body (None -> empty)."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Override:
    method: str
    pattern: re.Pattern[str]
    reply: Reply
    times: int | None  # None -> forever


class _GatewayConnection:
    """One connected gateway client; serialises sends (the zlib stream is stateful)."""

    def __init__(self, ws: web.WebSocketResponse, compression: str | None) -> None:
        self.ws = ws
        self.lock = asyncio.Lock()
        self.zlib = zlib.compressobj() if compression == "zlib-stream" else None
        self.seq = 0
        self.session_id: str | None = None
        self.identify: JSON | None = None
        self.ready = asyncio.Event()

    async def _send_locked(self, payload: JSON) -> None:
        if self.ws.closed:
            return
        text = json.dumps(payload, separators=(",", ":"))
        if self.zlib is not None:
            # zlib-stream: one compressor for the whole connection; Z_SYNC_FLUSH ends every
            # message with 00 00 ff ff, which is what discord.py waits for before inflating.
            frame = self.zlib.compress(text.encode()) + self.zlib.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(frame)
        else:
            await self.ws.send_str(text)

    async def send(self, payload: JSON) -> None:
        async with self.lock:
            await self._send_locked(payload)

    async def send_dispatch(self, event: str, data: Any) -> int:
        # Allocate the sequence number and send under one lock so "s" strictly increases
        # in wire order even when several tasks dispatch concurrently.
        async with self.lock:
            self.seq += 1
            await self._send_locked({"op": OP_DISPATCH, "t": event, "s": self.seq, "d": data})
            return self.seq


def _error(status: int, message: str, code: int) -> Reply:
    return Reply({"message": message, "code": code}, status)


# --------------------------------------------------------------------------------------
# The fake server
# --------------------------------------------------------------------------------------


class FakeDiscord:
    """A fake Discord API + gateway bound to 127.0.0.1 on a free port.

    The default "world" is one guild ("Fake Guild") with:

    * roles: ``@everyone`` (id == guild id), ``Moderator`` (Manage Guild, ...), ``FakeBot``
      (the bot's managed role);
    * channels: a category, ``#general`` and ``#mod-log`` (hidden from @everyone via a
      permission overwrite, visible to Moderator and the bot);
    * members: the bot, ``owner`` (guild owner), ``alice`` (Moderator), ``bob`` (plain).

    Everything lives in plain dicts (``self.guild``, ``self.users``, ``self.channels``,
    ``self.roles``) that tests may edit *before* the bot connects.
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        heartbeat_interval_ms: int = 41250,
        zlib_frames: bool = True,
        allow_privileged_intents: bool = True,
        echo_events: bool = True,
        patch_discord: bool = True,
    ) -> None:
        """
        :param token: if set, REST calls with a bot ``Authorization`` header and IDENTIFY must
            use this token (401 / close 4004 otherwise).  ``None`` accepts any token.
        :param zlib_frames: honour ``compress=zlib-stream`` (binary frames); else text frames.
        :param allow_privileged_intents: if False, IDENTIFY with members/presences/
            message_content closes the socket with 4014 like the real gateway does.
        :param echo_events: like real Discord, emit MESSAGE_CREATE for messages the bot posts
            in channels and THREAD_CREATE for threads it creates.
        :param patch_discord: patch ``Route.BASE`` / ``DEFAULT_GATEWAY`` while running.
        """
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.zlib_frames = zlib_frames
        self.allow_privileged_intents = allow_privileged_intents
        self.echo_events = echo_events
        self.patch_discord = patch_discord

        self.new_id = SnowflakeFactory()
        self.requests: list[RecordedRequest] = []
        #: every payload the client sent over the gateway (heartbeats, IDENTIFY, ...)
        self.gateway_received: list[JSON] = []
        #: query strings of each gateway connection (e.g. {"v": "10", "compress": ...})
        self.gateway_connects: list[dict[str, str]] = []
        #: URL path of each gateway connection: "/" (DEFAULT_GATEWAY) or "/resume"
        self.gateway_paths: list[str] = []
        self.messages: dict[str, JSON] = {}
        self.interactions: dict[str, JSON] = {}  # by token
        self.interaction_responses: dict[str, JSON] = {}  # @original message, by token
        self.commands: dict[str | None, list[JSON]] = {}  # by guild id (None = global)
        self.attachment_files: dict[str, bytes] = {}  # by attachment id

        self._claimed: set[int] = set()
        self._request_cond = asyncio.Condition()
        self._gateway_claimed: set[int] = set()
        self._gateway_cond = asyncio.Condition()
        self._connections: list[_GatewayConnection] = []
        self._connection_cond = asyncio.Condition()
        self._overrides: list[_Override] = []
        self._runner: web.AppRunner | None = None
        self._saved_patch: tuple[str, yarl.URL] | None = None
        self.port = 0

        self._build_world()
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = self._build_routes()

    # ---------------------------------------------------------------- world ----------

    def _build_world(self) -> None:
        nid = self.new_id
        self.bot_user = user_payload(nid(), "FakeBot", bot=True)
        self.bot_id: str = self.bot_user["id"]
        self.application_id: str = self.bot_id  # modern apps: application id == bot user id
        self.guild_id: str = nid()
        gid = self.guild_id

        self.users: dict[str, JSON] = {
            "bot": self.bot_user,
            "owner": user_payload(nid(), "owner"),
            "alice": user_payload(nid(), "alice", global_name="Alice"),
            "bob": user_payload(nid(), "bob", global_name="Bob"),
        }
        self.roles: dict[str, JSON] = {
            "@everyone": role_payload(gid, "@everyone", EVERYONE_PERMISSIONS),
            "Moderator": role_payload(
                nid(), "Moderator", MODERATOR_PERMISSIONS, position=2, hoist=True
            ),
            "FakeBot": role_payload(
                nid(),
                "FakeBot",
                BOT_ROLE_PERMISSIONS,
                position=1,
                managed=True,
                tags={"bot_id": self.bot_id},
            ),
        }
        mod_role_id = self.roles["Moderator"]["id"]
        self.members: dict[str, JSON] = {
            "bot": member_payload(self.bot_user, [self.roles["FakeBot"]["id"]]),
            "owner": member_payload(self.users["owner"]),
            "alice": member_payload(self.users["alice"], [mod_role_id]),
            "bob": member_payload(self.users["bob"]),
        }
        category = category_payload(nid(), "Text Channels", guild_id=gid)
        view = discord.Permissions(view_channel=True).value
        self.channels: dict[str, JSON] = {
            "category": category,
            "general": text_channel_payload(
                nid(), "general", guild_id=gid, position=0, parent_id=category["id"]
            ),
            "mod-log": text_channel_payload(
                nid(),
                "mod-log",
                guild_id=gid,
                position=1,
                parent_id=category["id"],
                overwrites=[
                    overwrite_payload(gid, role=True, deny=view),
                    overwrite_payload(mod_role_id, role=True, allow=view),
                    overwrite_payload(self.bot_id, role=False, allow=view),
                ],
            ),
        }
        self.dm_channels: dict[str, JSON] = {}  # by recipient user id
        self.threads: dict[str, JSON] = {}  # by id
        self.guild: JSON = {
            "id": gid,
            "name": "Fake Guild",
            "icon": None,
            "owner_id": self.users["owner"]["id"],
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "system_channel_id": self.channels["general"]["id"],
            "system_channel_flags": 0,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": list(self.roles.values()),
            "channels": list(self.channels.values()),
            "members": list(self.members.values()),
            "threads": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": iso_now(),
            "large": False,
            "unavailable": False,
            # member_count == len(members) makes discord.py consider the guild "chunked",
            # so it never sends REQUEST_GUILD_MEMBERS even with the members intent.
            "member_count": len(self.members),
        }

    def find_channel(self, channel_id: str) -> JSON | None:
        channel: JSON
        for channel in self.guild["channels"]:
            if channel["id"] == channel_id:
                return channel
        if channel_id in self.threads:
            return self.threads[channel_id]
        return next((c for c in self.dm_channels.values() if c["id"] == channel_id), None)

    def find_user(self, user_id: str) -> JSON | None:
        return next((u for u in self.users.values() if u["id"] == user_id), None)

    def find_member(self, user_id: str) -> JSON | None:
        return next((m for m in self.guild["members"] if m["user"]["id"] == user_id), None)

    # ---------------------------------------------------------------- builders -------

    def _resolve_channel(self, channel: str | JSON) -> JSON:
        if isinstance(channel, dict):
            return channel
        if channel in self.channels:
            return self.channels[channel]
        found = self.find_channel(channel)
        if found is None:
            raise KeyError(f"unknown channel {channel!r}")
        return found

    def dm_channel(self, user: str = "bob") -> JSON:
        """The (cached) DM channel between the bot and ``self.users[user]``."""
        recipient = self.users[user]
        if recipient["id"] not in self.dm_channels:
            self.dm_channels[recipient["id"]] = dm_channel_payload(self.new_id(), recipient)
        return self.dm_channels[recipient["id"]]

    def member_with_permissions(self, user: str, channel: JSON | None = None) -> JSON:
        """Member payload as sent in interactions: includes the resolved ``permissions``."""
        member = dict(self.members[user])
        member["permissions"] = str(compute_permissions(self.guild, member, channel))
        return member

    def message(
        self,
        content: str = "",
        *,
        author: str = "bob",
        channel: str | JSON = "general",
        mentions: Iterable[str] = (),
        embeds: list[JSON] | None = None,
        components: list[JSON] | None = None,
        message_reference: JSON | None = None,
        message_id: str | None = None,
    ) -> JSON:
        """A MESSAGE_CREATE payload.  ``author``/``mentions`` are keys of ``self.users``.

        A guild message carries ``guild_id`` and a partial ``member`` (no ``user``); a DM
        (``channel=fake.dm_channel("bob")``) has neither.
        """
        ch = self._resolve_channel(channel)
        author_user = self.users[author]
        is_guild = ch.get("type") != DM_CHANNEL
        data: JSON = {
            "id": message_id or self.new_id(),
            "type": 19 if message_reference else 0,
            "channel_id": ch["id"],
            "author": author_user,
            "content": content,
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [self.users[m] for m in mentions],
            "mention_roles": [],
            "attachments": [],
            "embeds": embeds or [],
            "components": components or [],
            "pinned": False,
            "flags": 0,
        }
        if message_reference is not None:
            data["message_reference"] = message_reference
        if is_guild:
            data["guild_id"] = self.guild_id
            member = {k: v for k, v in self.members[author].items() if k != "user"}
            data["member"] = member
        return data

    def mention_message(
        self, text: str = "hello", *, author: str = "bob", channel: str | JSON = "general"
    ) -> JSON:
        """A guild message that @mentions the bot: ``<@bot_id> text``."""
        return self.message(
            f"<@{self.bot_id}> {text}", author=author, channel=channel, mentions=["bot"]
        )

    def dm_message(self, content: str, *, author: str = "bob") -> JSON:
        return self.message(content, author=author, channel=self.dm_channel(author))

    @staticmethod
    def option(name: str, value: Any, option_type: int | None = None) -> JSON:
        """A slash command option; type inferred (str 3, int 4, bool 5, float 10)."""
        if option_type is None:
            if isinstance(value, bool):
                option_type = 5
            elif isinstance(value, int):
                option_type = 4
            elif isinstance(value, float):
                option_type = 10
            else:
                option_type = 3
        return {"name": name, "type": option_type, "value": value}

    def _interaction_base(self, interaction_type: int, *, user: str, channel: str | JSON) -> JSON:
        ch = self._resolve_channel(channel)
        data: JSON = {
            "id": self.new_id(),
            "application_id": self.application_id,
            "type": interaction_type,
            "token": "itoken-" + secrets.token_urlsafe(24),
            "version": 1,
            "channel_id": ch["id"],
            "channel": ch,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,  # required by discord.py >= 2.5
            "app_permissions": str(compute_permissions(self.guild, self.members["bot"], ch)),
        }
        if ch.get("type") == DM_CHANNEL:
            data["user"] = self.users[user]
            data["context"] = 1
            data["authorizing_integration_owners"] = {"0": self.users[user]["id"]}
        else:
            data["guild_id"] = self.guild_id
            data["guild_locale"] = "en-US"
            data["guild"] = {"id": self.guild_id, "locale": "en-US", "features": []}
            data["member"] = self.member_with_permissions(user, ch)
            data["context"] = 0
            data["authorizing_integration_owners"] = {"0": self.guild_id}
        return data

    def slash_interaction(
        self,
        name: str,
        options: list[JSON] | None = None,
        *,
        user: str = "bob",
        channel: str | JSON = "general",
        command_id: str | None = None,
        command_guild_id: str | None = None,
        resolved: JSON | None = None,
    ) -> JSON:
        """INTERACTION_CREATE payload for a chat-input (slash) command.

        ``command_guild_id`` must be set for commands registered to a guild with
        ``@tree.command(guild=...)``; discord.py looks them up by ``data.guild_id``.
        """
        data = self._interaction_base(2, user=user, channel=channel)
        inner: JSON = {
            "id": command_id or self._command_id(name, command_guild_id),
            "name": name,
            "type": 1,
        }
        if options:
            inner["options"] = options
        if command_guild_id is not None:
            inner["guild_id"] = command_guild_id
        if resolved is not None:
            inner["resolved"] = resolved
        data["data"] = inner
        return data

    def button_interaction(
        self,
        custom_id: str,
        *,
        message: JSON | None = None,
        user: str = "bob",
        channel: str | JSON = "general",
    ) -> JSON:
        """INTERACTION_CREATE payload for a button click (type 3, component_type 2).

        ``message`` is the message carrying the button (default: a bot message in
        ``channel`` that has the button).  Persistent views match on ``custom_id`` alone.
        """
        data = self._interaction_base(3, user=user, channel=channel)
        if message is None:
            button = {"type": 2, "style": 1, "label": "button", "custom_id": custom_id}
            message = self.message(
                "message with a button",
                author="bot",
                channel=channel,
                components=[{"type": 1, "components": [button]}],
            )
            message.pop("member", None)
        data["message"] = message
        data["data"] = {"custom_id": custom_id, "component_type": 2}
        return data

    def modal_submit_interaction(
        self,
        custom_id: str,
        values: dict[str, str],
        *,
        user: str = "bob",
        channel: str | JSON = "general",
    ) -> JSON:
        """INTERACTION_CREATE payload for a modal submit (type 5).

        ``custom_id`` is the modal's (read it from the type-9 callback body, discord.py
        generates a random one unless the Modal sets it); ``values`` maps text-input
        custom_ids to submitted text.
        """
        data = self._interaction_base(5, user=user, channel=channel)
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
            for k, v in values.items()
        ]
        data["data"] = {"custom_id": custom_id, "components": rows}
        return data

    def _command_id(self, name: str, guild_id: str | None) -> str:
        for cmd in self.commands.get(guild_id, []):
            if cmd["name"] == name:
                return str(cmd["id"])
        return self.new_id()

    def bot_message(self, data: JSON, channel_id: str, *, webhook: bool = False) -> JSON:
        """Message object the server returns for a message the bot/app sends."""
        ch = self.find_channel(channel_id)
        files = data.pop("_files", [])
        message: JSON = {
            "id": self.new_id(),
            "type": 19 if data.get("message_reference") else 0,
            "channel_id": channel_id,
            "author": self.bot_user,
            "content": data.get("content") or "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(data.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                {
                    "id": self.new_id(),
                    "filename": f.filename or "file",
                    "size": len(f.data),
                    "url": f"https://cdn.invalid/{f.filename}",
                    "proxy_url": f"https://cdn.invalid/{f.filename}",
                    "content_type": f.content_type,
                }
                for f in files
            ],
            "embeds": data.get("embeds") or [],
            "components": data.get("components") or [],
            "pinned": False,
            "flags": int(data.get("flags") or 0),
        }
        if data.get("message_reference"):
            message["message_reference"] = data["message_reference"]
        if ch is not None and ch.get("type") != DM_CHANNEL:
            message["guild_id"] = self.guild_id
        if webhook:
            message["webhook_id"] = self.application_id
            message["application_id"] = self.application_id
        return message

    # ---------------------------------------------------------------- lifecycle ------

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self._gateway_handler)
        app.router.add_get("/resume", self._gateway_handler)  # READY's resume_gateway_url
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest_handler)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._attachment_handler)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        if self.patch_discord:
            self._saved_patch = (
                discord.http.Route.BASE,
                discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
            )
            discord.http.Route.BASE = self.api_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

    async def stop(self) -> None:
        for conn in list(self._connections):
            with contextlib.suppress(Exception):
                await conn.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._saved_patch is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = (
                self._saved_patch
            )
            self._saved_patch = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @contextlib.asynccontextmanager
    async def run_bot(
        self, client: ClientT, *, token: str = "fake-token", timeout: float = 5.0
    ) -> AsyncIterator[ClientT]:
        """Log ``client`` in, connect it, wait until it is ready *and* has the guild cached.

        On exit it always runs ``await client.close()`` (closes the gateway socket with 1000,
        stops the keep-alive thread, closes the aiohttp session -> no "Unclosed client
        session" warnings) and then awaits the ``connect()`` task, so an exception that
        killed the gateway loop mid-test (e.g. a malformed injected event) is re-raised
        here instead of being lost.  ``connect(reconnect=False)`` makes connection problems
        fail fast instead of retrying with exponential back-off.
        """
        task: asyncio.Task[None] | None = None
        try:
            await client.login(token)  # GET /users/@me, GET /oauth2/applications/@me, setup_hook()
            task = asyncio.create_task(client.connect(reconnect=False), name="fake-discord-connect")
            ready = asyncio.ensure_future(self._wait_client_ready(client))
            done, _ = await asyncio.wait(
                {ready, task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if ready in done:
                yield client
            else:
                ready.cancel()
                if task not in done:
                    raise TimeoutError(f"client did not become ready within {timeout}s")
                if task.exception() is None:
                    raise RuntimeError("client.connect() returned before the client became ready")
                # otherwise the finally block re-raises connect()'s exception
        finally:
            await client.close()
            if task is not None:
                await asyncio.wait_for(task, timeout)

    async def _wait_client_ready(self, client: discord.Client) -> None:
        await client.wait_until_ready()
        # on_ready fires guild_ready_timeout after the last GUILD_CREATE; if that timeout
        # is ~0 the guild may land in the cache just after READY, so wait for it too.
        while client.get_guild(int(self.guild_id)) is None:
            await asyncio.sleep(0.005)

    # ---------------------------------------------------------------- test API -------

    async def dispatch(self, event: str, data: JSON, *, timeout: float = 5.0) -> int:
        """Send a DISPATCH (op 0) event to every identified gateway connection.

        Waits (up to ``timeout``) for the client to have identified.  Returns the sequence
        number used.  INTERACTION_CREATE / MESSAGE_CREATE payloads are remembered so later
        callbacks/followups can be answered with the right channel.
        """
        if event == "INTERACTION_CREATE":
            self.interactions[data["token"]] = data
        elif event == "MESSAGE_CREATE":
            self.messages[data["id"]] = data
        conns = await self._ready_connections(timeout)
        seq = 0
        for conn in conns:
            seq = await conn.send_dispatch(event, data)
        return seq

    async def send_op(self, payload: JSON, *, timeout: float = 5.0) -> None:
        """Send a raw gateway payload (e.g. ``{"op": 7}`` RECONNECT) to every connection."""
        for conn in await self._ready_connections(timeout):
            await conn.send(payload)

    async def _ready_connections(self, timeout: float) -> list[_GatewayConnection]:
        async with self._connection_cond:
            await asyncio.wait_for(
                self._connection_cond.wait_for(
                    lambda: any(c.ready.is_set() for c in self._connections)
                ),
                timeout,
            )
            return [c for c in self._connections if c.ready.is_set()]

    def find_requests(self, method: str, path_regex: str) -> list[RecordedRequest]:
        """All recorded requests with this method whose path fully matches the regex."""
        pattern = re.compile(path_regex)
        return [
            r for r in self.requests if r.method == method.upper() and pattern.fullmatch(r.path)
        ]

    async def wait_for_request(
        self,
        method: str,
        path_regex: str,
        timeout: float = 5.0,
        *,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> RecordedRequest:
        """Return the oldest *not yet returned* request matching method + path (fullmatch).

        Already-recorded requests count, so there is no race between triggering an action
        and starting to wait; each request is handed out once, so successive calls return
        successive matches.
        """
        pattern = re.compile(path_regex)
        method = method.upper()

        def matches(req: RecordedRequest) -> bool:
            return (
                req.method == method
                and pattern.fullmatch(req.path) is not None
                and (predicate is None or predicate(req))
            )

        def describe() -> str:
            seen = "\n".join(f"  {r.method} {r.path} -> {r.status}" for r in self.requests)
            return f"no {method} {path_regex} within {timeout}s; requests so far:\n{seen}"

        return await self._claim(
            self.requests, self._claimed, self._request_cond, matches, timeout, describe
        )

    async def wait_for_gateway(
        self,
        op: int,
        timeout: float = 5.0,
        *,
        predicate: Callable[[JSON], bool] | None = None,
    ) -> JSON:
        """Like :meth:`wait_for_request` for payloads the client sent over the gateway."""

        def matches(payload: JSON) -> bool:
            return payload.get("op") == op and (predicate is None or predicate(payload))

        def describe() -> str:
            ops = [p.get("op") for p in self.gateway_received]
            return f"no gateway op {op} within {timeout}s; got ops {ops}"

        return await self._claim(
            self.gateway_received,
            self._gateway_claimed,
            self._gateway_cond,
            matches,
            timeout,
            describe,
        )

    @staticmethod
    async def _claim(
        items: list[T],
        claimed: set[int],
        cond: asyncio.Condition,
        matches: Callable[[T], bool],
        timeout: float,
        describe: Callable[[], str],
    ) -> T:
        """Wait for the first unclaimed item that ``matches``; mark it claimed; return it."""
        found: list[T] = []

        def check() -> bool:
            for index, item in enumerate(items):
                if index not in claimed and matches(item):
                    claimed.add(index)
                    found.append(item)
                    return True
            return False

        async with cond:
            try:
                await asyncio.wait_for(cond.wait_for(check), timeout)
            except TimeoutError:
                raise AssertionError(describe()) from None
        return found[0]

    def respond_with(
        self,
        method: str,
        path_regex: str,
        body: Any = None,
        status: int = 200,
        *,
        headers: dict[str, str] | None = None,
        times: int | None = 1,
    ) -> None:
        """Override the reply for matching requests (e.g. 403 ``{"message":..,"code":50013}``).

        The request is still recorded.  Note: discord.py treats a 429 *without* a ``Via``
        header as a Cloudflare ban and raises immediately; with ``Via`` it sleeps
        ``retry_after`` seconds and retries.
        """
        self._overrides.append(
            _Override(
                method.upper(), re.compile(path_regex), Reply(body, status, headers or {}), times
            )
        )

    # ---------------------------------------------------------------- gateway --------

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, compress=True)
        await ws.prepare(request)
        self.gateway_connects.append(dict(request.query))
        self.gateway_paths.append(request.path)
        compression = request.query.get("compress") if self.zlib_frames else None
        conn = _GatewayConnection(ws, compression)
        self._connections.append(conn)
        try:
            await conn.send(
                {"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    payload = json.loads(msg.data)
                    self.gateway_received.append(payload)
                    async with self._gateway_cond:
                        self._gateway_cond.notify_all()
                    await self._on_gateway_payload(conn, payload)
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            self._connections.remove(conn)
        return ws

    async def _on_gateway_payload(self, conn: _GatewayConnection, payload: JSON) -> None:
        op = payload.get("op")
        data: JSON = payload.get("d") or {}
        if op == OP_HEARTBEAT:
            await conn.send({"op": OP_HEARTBEAT_ACK})
        elif op == OP_IDENTIFY:
            await self._identify(conn, data)
        elif op == OP_RESUME:
            conn.session_id = data.get("session_id")
            conn.seq = int(data.get("seq") or 0)
            await conn.send_dispatch("RESUMED", {})
            await self._mark_ready(conn)
        elif op == OP_REQUEST_MEMBERS:
            await self._send_member_chunk(conn, data)
        # op 3 (presence), 4 (voice state) ... are only recorded.

    async def _identify(self, conn: _GatewayConnection, data: JSON) -> None:
        if self.token is not None and data.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents") or 0)
        if not self.allow_privileged_intents and intents & PRIVILEGED_INTENTS:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        conn.identify = data
        conn.session_id = uuid.uuid4().hex
        conn.seq = 0
        ready = {
            "v": 10,
            "user": {**self.bot_user, "verified": True, "mfa_enabled": False, "flags": 0},
            "session_id": conn.session_id,
            "session_type": "normal",
            # a distinct path so tests can see that RESUME really used resume_gateway_url
            "resume_gateway_url": self.gateway_url + "resume",
            "application": {"id": self.application_id, "flags": 0},
            "guilds": [unavailable_guild_payload(self.guild_id)],
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
            "shard": data.get("shard", [0, 1]),
            "_trace": ["fake-discord"],
        }
        await conn.send_dispatch("READY", ready)
        await conn.send_dispatch("GUILD_CREATE", self.guild)
        await self._mark_ready(conn)

    async def _mark_ready(self, conn: _GatewayConnection) -> None:
        conn.ready.set()
        async with self._connection_cond:
            self._connection_cond.notify_all()

    async def _send_member_chunk(self, conn: _GatewayConnection, data: JSON) -> None:
        members = list(self.guild["members"])
        if data.get("user_ids"):
            wanted = {str(u) for u in data["user_ids"]}
            members = [m for m in members if m["user"]["id"] in wanted]
        elif data.get("query"):
            members = [
                m
                for m in members
                if m["user"]["username"].lower().startswith(data["query"].lower())
            ]
        if data.get("limit"):
            members = members[: int(data["limit"])]
        chunk: JSON = {
            "guild_id": str(data["guild_id"]),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await conn.send_dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def _echo(self, event: str, data: JSON) -> None:
        if not self.echo_events:
            return
        for conn in [c for c in self._connections if c.ready.is_set()]:
            await conn.send_dispatch(event, data)

    # ---------------------------------------------------------------- REST -----------

    def attachment(
        self, filename: str, content: bytes, *, content_type: str = "text/plain"
    ) -> JSON:
        """An attachment payload whose URL this server serves (``Attachment.read()`` works)."""
        attachment_id = self.new_id()
        self.attachment_files[attachment_id] = content
        url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{filename}"
        return {
            "id": attachment_id,
            "filename": filename,
            "size": len(content),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }

    async def _attachment_handler(self, request: web.Request) -> web.StreamResponse:
        content = self.attachment_files.get(request.match_info["attachment_id"])
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content)

    async def _rest_handler(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        req = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            json=body,
            files=files,
            headers=dict(request.headers),
        )
        reply = self._take_override(req)
        if reply is None:
            reply = await self._route(req)
        req.status = reply.status
        req.response = reply.body
        self.requests.append(req)
        async with self._request_cond:
            self._request_cond.notify_all()
        if reply.status == 204 or reply.body is None:
            return web.Response(
                status=204 if reply.status == 200 else reply.status, headers=reply.headers
            )
        # NB: discord.py's json_or_text() only decodes JSON when Content-Type is *exactly*
        # "application/json"; web.json_response() adds "; charset=utf-8" -> str bodies.
        return web.Response(
            body=json.dumps(reply.body).encode(),
            status=reply.status,
            content_type="application/json",
            headers=reply.headers,
        )

    async def _read_body(self, request: web.Request) -> tuple[Any, list[UploadedFile]]:
        files: list[UploadedFile] = []
        if request.content_type.startswith("multipart/"):
            payload: Any = None
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if not isinstance(part, BodyPartReader):
                    continue  # nested multipart: not used by discord.py
                raw = await part.read(decode=False)
                if part.name == "payload_json":
                    payload = json.loads(raw)
                else:
                    files.append(
                        UploadedFile(
                            field=part.name or "",
                            filename=part.filename,
                            content_type=part.headers.get("Content-Type"),
                            data=bytes(raw),
                        )
                    )
            return payload, files
        raw = await request.read()
        if not raw:
            return None, files
        try:
            return json.loads(raw), files
        except ValueError:
            return raw.decode(errors="replace"), files

    def _take_override(self, req: RecordedRequest) -> Reply | None:
        for ov in self._overrides:
            if ov.method == req.method and ov.pattern.fullmatch(req.path):
                if ov.times is not None:
                    ov.times -= 1
                    if ov.times <= 0:
                        self._overrides.remove(ov)
                return ov.reply
        return None

    async def _route(self, req: RecordedRequest) -> Reply:
        if self.token is not None:
            auth = req.headers.get("Authorization")
            if auth is not None and auth != f"Bot {self.token}":
                return _error(401, "401: Unauthorized", 0)
        for method, pattern, handler in self._routes:
            if method == req.method and (m := pattern.fullmatch(req.path)):
                return await handler(req, m)
        return Reply({})  # catch-all: recorded, answers {}

    def _build_routes(self) -> list[tuple[str, re.Pattern[str], Handler]]:
        s = r"(\d+)"
        tok = r"([^/]+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self._get_me),
            ("POST", r"/users/@me/channels", self._create_dm),
            ("GET", rf"/users/{s}", self._get_user),
            ("GET", r"/gateway", self._get_gateway),
            ("GET", r"/gateway/bot", self._get_gateway_bot),
            ("GET", r"/(?:oauth2/)?applications/@me", self._get_application),
            ("PUT", rf"/applications/{s}/commands", self._put_commands),
            ("PUT", rf"/applications/{s}/guilds/{s}/commands", self._put_commands),
            ("GET", rf"/applications/{s}/commands", self._get_commands),
            ("GET", rf"/applications/{s}/guilds/{s}/commands", self._get_commands),
            ("GET", rf"/channels/{s}", self._get_channel),
            ("POST", rf"/channels/{s}/messages", self._create_message),
            ("GET", rf"/channels/{s}/messages/{s}", self._get_message),
            ("PATCH", rf"/channels/{s}/messages/{s}", self._edit_message),
            ("DELETE", rf"/channels/{s}/messages/{s}", self._no_content),
            ("POST", rf"/channels/{s}/messages/{s}/threads", self._create_thread_from_message),
            ("POST", rf"/channels/{s}/threads", self._create_thread),
            ("POST", rf"/channels/{s}/typing", self._no_content),
            ("PUT", rf"/channels/{s}/messages/{s}/reactions/.+", self._no_content),
            ("DELETE", rf"/channels/{s}/messages/{s}/reactions/.+", self._no_content),
            ("POST", rf"/interactions/{s}/{tok}/callback", self._interaction_callback),
            ("GET", rf"/webhooks/{s}/{tok}/messages/@original", self._get_original),
            ("PATCH", rf"/webhooks/{s}/{tok}/messages/@original", self._edit_original),
            ("DELETE", rf"/webhooks/{s}/{tok}/messages/@original", self._no_content),
            ("POST", rf"/webhooks/{s}/{tok}", self._followup),
            ("PATCH", rf"/webhooks/{s}/{tok}/messages/{s}", self._edit_followup),
            ("DELETE", rf"/webhooks/{s}/{tok}/messages/{s}", self._no_content),
        ]
        return [(method, re.compile(regex), handler) for method, regex, handler in table]

    # --- handlers (each gets the recorded request and the path match) ---

    async def _no_content(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        return Reply(None, 204)

    async def _get_me(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        return Reply({**self.bot_user, "verified": True, "mfa_enabled": False, "flags": 0})

    async def _get_user(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        user = self.find_user(m.group(1))
        return Reply(user) if user else _error(404, "Unknown User", 10013)

    async def _create_dm(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        recipient_id = str(req.json["recipient_id"])
        key = next((k for k, u in self.users.items() if u["id"] == recipient_id), None)
        return Reply(self.dm_channel(key)) if key else _error(404, "Unknown User", 10013)

    async def _get_gateway(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        return Reply({"url": self.gateway_url.rstrip("/")})

    async def _get_gateway_bot(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return Reply(
            {"url": self.gateway_url.rstrip("/"), "shards": 1, "session_start_limit": limit}
        )

    async def _get_application(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        # discord.py's Client.login() calls GET /oauth2/applications/@me (AppInfo requires
        # name, description, icon, bot_public, bot_require_code_grant, owner, verify_key).
        # interactions_endpoint_url must be null or discord.py warns it won't get interactions.
        return Reply(
            {
                "id": self.application_id,
                "name": self.bot_user["username"],
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": self.users["owner"],
                "team": None,
                "verify_key": "0" * 64,
                "flags": 0,
                "bot": self.bot_user,
                "interactions_endpoint_url": None,
                "redirect_uris": [],
                "tags": [],
            }
        )

    async def _put_commands(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        guild_id = m.group(2) if m.lastindex and m.lastindex >= 2 else None
        echoed: list[JSON] = []
        for cmd in req.json or []:
            existing = self._command_id(cmd["name"], guild_id)
            entry: JSON = {
                "id": existing,
                "application_id": self.application_id,
                "version": self.new_id(),
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **cmd,
            }
            if entry["default_member_permissions"] is not None:
                # discord.py uploads an int; Discord echoes permission bitfields as strings
                entry["default_member_permissions"] = str(entry["default_member_permissions"])
            if guild_id is not None:
                entry["guild_id"] = guild_id
            echoed.append(entry)
        self.commands[guild_id] = echoed
        return Reply(echoed)

    async def _get_commands(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        guild_id = m.group(2) if m.lastindex and m.lastindex >= 2 else None
        return Reply(self.commands.get(guild_id, []))

    async def _get_channel(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        ch = self.find_channel(m.group(1))
        return Reply(ch) if ch else _error(404, "Unknown Channel", 10003)

    def _payload_with_files(self, req: RecordedRequest) -> JSON:
        data = dict(req.json or {})
        data["_files"] = req.files
        return data

    async def _create_message(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        channel_id = m.group(1)
        if self.find_channel(channel_id) is None:
            return _error(404, "Unknown Channel", 10003)
        message = self.bot_message(self._payload_with_files(req), channel_id)
        self.messages[message["id"]] = message
        await self._echo("MESSAGE_CREATE", message)
        return Reply(message)

    async def _get_message(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        msg = self.messages.get(m.group(2))
        return Reply(msg) if msg else _error(404, "Unknown Message", 10008)

    async def _edit_message(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        msg = self.messages.get(m.group(2))
        if msg is None:
            return _error(404, "Unknown Message", 10008)
        msg.update(
            {
                k: v
                for k, v in (req.json or {}).items()
                if k in ("content", "embeds", "components", "flags")
            }
        )
        msg["edited_timestamp"] = iso_now()
        return Reply(msg)

    def _new_thread(self, channel_id: str, thread_id: str, body: JSON) -> JSON:
        thread = thread_payload(
            thread_id,
            body.get("name", "thread"),
            guild_id=self.guild_id,
            parent_id=channel_id,
            owner_id=self.bot_id,
            thread_type=int(body.get("type") or PUBLIC_THREAD),
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
            rate_limit_per_user=body.get("rate_limit_per_user"),
        )
        self.threads[thread_id] = thread
        return thread

    async def _create_thread_from_message(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        # Like Discord, a thread started from a message has the message's id.
        thread = self._new_thread(m.group(1), m.group(2), req.json or {})
        await self._echo("THREAD_CREATE", {**thread, "newly_created": True})
        return Reply(thread)

    async def _create_thread(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        thread = self._new_thread(m.group(1), self.new_id(), req.json or {})
        await self._echo("THREAD_CREATE", {**thread, "newly_created": True})
        return Reply(thread)

    async def _interaction_callback(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        # discord.py >= 2.5 posts with ?with_response=1 and *requires* the
        # InteractionCallbackResponse shape: {"interaction": {...}, "resource": {...}}.
        interaction_id, token = m.group(1), m.group(2)
        body = self._payload_with_files(req)
        cb_type = int(body.get("type", 0))
        data: JSON = dict(body.get("data") or {})
        data["_files"] = body.pop("_files")
        interaction = self.interactions.get(token, {})
        result: JSON = {"interaction": {"id": interaction_id, "type": interaction.get("type", 2)}}
        channel_id = self._interaction_channel_id(token)
        flags = int(data.get("flags") or 0)
        if cb_type in (CALLBACK_CHANNEL_MESSAGE, CALLBACK_DEFERRED_CHANNEL_MESSAGE):
            if cb_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
                data["flags"] = flags | 128  # LOADING
            message = self.bot_message(data, channel_id, webhook=True)
            # MessageInteractionMetadata requires "user" (KeyError otherwise).
            user = (
                interaction.get("user")
                or interaction.get("member", {}).get("user")
                or self.users["bob"]
            )
            message["interaction_metadata"] = {
                "id": interaction_id,
                "type": interaction.get("type", 2),
                "user": user,
                "authorizing_integration_owners": interaction.get(
                    "authorizing_integration_owners", {}
                ),
            }
            self.interaction_responses[token] = message
            result["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=cb_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE,
                response_message_ephemeral=bool(flags & 64),
            )
            result["resource"] = {"type": cb_type, "message": message}
        elif cb_type in (CALLBACK_UPDATE_MESSAGE, CALLBACK_DEFERRED_UPDATE) and interaction.get(
            "message"
        ):
            message = dict(interaction["message"])
            if cb_type == CALLBACK_UPDATE_MESSAGE:
                message.update(
                    {k: v for k, v in data.items() if k in ("content", "embeds", "components")}
                )
                message["edited_timestamp"] = iso_now()
            self.interaction_responses[token] = message
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"] = {"type": cb_type, "message": message}
        return Reply(result)

    def _interaction_channel_id(self, token: str) -> str:
        interaction = self.interactions.get(token, {})
        return str(interaction.get("channel_id") or self.channels["general"]["id"])

    async def _get_original(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        msg = self.interaction_responses.get(m.group(2))
        return Reply(msg) if msg else _error(404, "Unknown Message", 10008)

    async def _edit_original(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        token = m.group(2)
        msg = self.interaction_responses.get(token)
        if msg is None:
            channel_id = self._interaction_channel_id(token)
            msg = self.bot_message({}, channel_id, webhook=True)
            self.interaction_responses[token] = msg
        update = self._payload_with_files(req)
        update.pop("_files")
        msg.update({k: v for k, v in update.items() if k in ("content", "embeds", "components")})
        msg["flags"] = int(msg.get("flags") or 0) & ~128  # no longer "thinking"
        msg["edited_timestamp"] = iso_now()
        return Reply(msg)

    async def _followup(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        token = m.group(2)
        channel_id = self._interaction_channel_id(token)
        message = self.bot_message(self._payload_with_files(req), channel_id, webhook=True)
        self.messages[message["id"]] = message
        # Webhook.send(wait=False) would expect 204; discord.py's followup always waits.
        return Reply(message if req.query.get("wait", "").lower() in ("1", "true") else None, 200)

    async def _edit_followup(self, req: RecordedRequest, m: re.Match[str]) -> Reply:
        msg = self.messages.get(m.group(3))
        if msg is None:
            return _error(404, "Unknown Message", 10008)
        msg.update(
            {k: v for k, v in (req.json or {}).items() if k in ("content", "embeds", "components")}
        )
        return Reply(msg)
