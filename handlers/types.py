"""The values that cross between channels and handlers."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["telegram", "console", "email"]
MAX_BUTTON_DATA = 64  # bytes; Telegram's callback_data limit


class Button(BaseModel):
    """A button; `style` colours it where the channel can (Telegram Bot API 9.4: green
    "success" for yes/confirm, red "danger" for no/delete), else it is ignored."""

    label: str
    data: str | None = None
    url: str | None = None
    style: Literal["success", "danger", "primary"] | None = None

    def model_post_init(self, _context: object) -> None:
        if (self.data is None) == (self.url is None):
            raise ValueError("a button has either data or a url")
        if self.data is not None and not 0 < len(self.data.encode()) <= MAX_BUTTON_DATA:
            raise ValueError(f"button data must be 1..{MAX_BUTTON_DATA} bytes: {self.data!r}")


class PictureRecipe(BaseModel):
    """What a progress picture shows. The picture is drawn from it when it is sent
    (`handlers.pictures`): never inside a transaction, and not at all when Telegram already
    has the same picture. In the outbox it takes a few bytes, not a whole PNG."""

    model_config = ConfigDict(frozen=True)

    slices: tuple[tuple[str, float, bool, bool], ...]  # kind, hours, confirmed, self-noted
    target_hours: int
    rtl: bool = False

    @property
    def key(self) -> str:
        """Equal recipes, equal pictures."""
        digest = hashlib.blake2b(self.model_dump_json().encode(), digest_size=16).hexdigest()
        return f"progress:{digest}"


class Attachment(BaseModel):
    """A file with a reply. A picture with a `recipe` has no content until it is drawn."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    filename: str
    content: bytes
    mime: str
    recipe: PictureRecipe | None = None


class SpeechPart(BaseModel):
    """One piece of a voice note: a recording as it is, or text for a synthetic voice."""

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    locale: str
    text: str = ""
    recording: bytes | None = None  # OGG/Opus recorded by a person


class Speech(BaseModel):
    """A voice note to render after the turn: its parts in order, in `locale` by default."""

    locale: str
    parts: list[SpeechPart]


class Reply(BaseModel):
    """One message to show: text (Telegram HTML subset), buttons, optional picture or file.

    With an image or document, `text` is its caption. `edit` asks the channel to replace the
    message whose button was pressed instead of sending a new one, where it can.
    """

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    text: str
    buttons: list[list[Button]] = Field(default_factory=list)
    image: Attachment | None = None
    document: Attachment | None = None
    edit: bool = False
    speech: Speech | None = None  # sent as a voice note (with `text` as caption when not empty)
    # A reply-keyboard button that shares the person's location (Telegram request_location);
    # its label. Only on a reply without inline buttons. `remove_keyboard` takes it away.
    request_location: str | None = None
    remove_keyboard: bool = False


class Turn(BaseModel):
    """One thing a person did: typed text, pressed a button, or sent something else."""

    channel: Channel
    address: str
    text: str | None = None
    payload: str | None = None
    attachment: str | None = None  # "voice", "photo", "sticker", "document", "video", ...
    voice: Attachment | None = None  # the bytes of a voice note, when the channel fetched them
    source_text: str | None = None  # the text of the message whose button was pressed
    location: tuple[float, float] | None = None  # latitude, longitude; never stored
    language_hint: str | None = None
    name_hint: str | None = None
    received_at: datetime | None = None
    update_id: int | None = None  # the platform's id, to skip an update delivered twice
