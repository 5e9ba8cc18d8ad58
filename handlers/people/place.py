"""Where the person lives: a postcode (any digits), a town or village in any spelling or
script, a tap on "Did you mean …?", or a shared location resolved to the nearest postcode.

Only the postcode, the place name and that place's centre are kept, never the shared point.
"""

from __future__ import annotations

from dataclasses import replace

from handlers.common import int_arg, stale_button
from handlers.context import Context
from handlers.people.onboarding import advance
from handlers.registry import Feature, Input
from handlers.types import Button, Reply
from handlers.understanding.places import find_place, nearest_place
from handlers.understanding.text import digits
from storage.networks import municipality_for_postcode, network_for_postcode
from storage.people import update_person
from storage.postcodes import Place, postcodes

feature = Feature("handlers.people.place")


async def _place_prompt(ctx: Context) -> list[Reply]:
    return [
        Reply(
            text=ctx._("📍 Where do you live? Type your postcode or town. Example: 8900 or Ieper."),
            request_location=ctx._("📍 Share my location"),
        )
    ]


@feature.step("oc", _place_prompt, reads_text=True, reads_location=True)
async def place_answer(ctx: Context, given: Input) -> list[Reply]:
    if given.location is not None:
        place = nearest_place(*given.location)
        if place is None:
            return await ctx.reprompt()
        return await _save(ctx, place, by_code=True)
    if given.pressed:  # "Did you mean …?": the button carries a postcode and a row number
        return await _suggestion(ctx, given.args)
    typed = (given.text or "").strip()
    found = find_place(typed)
    if found.place is not None:
        return await _save(ctx, found.place, by_code=digits(typed).strip().isdigit())
    if found.suggestions:
        names = [place.name for place in found.suggestions]
        buttons = [
            [Button(label=f"📍 {p.postcode} {p.name}", data=f"oc:{p.postcode}:{_row(p)}")]
            for p in found.suggestions
        ]
        text = ctx._("🤔 Did you mean {place}?", place=ctx.t.list(names))
        return [Reply(text=text, buttons=buttons)]
    return [
        Reply(
            text=ctx._(
                "🤔 I do not know “{text}”. Type a Belgian postcode with 4 digits, "
                "for example 9000 (Gent), 8900 (Ieper) or 9100 (Sint-Niklaas).",
                text=typed[:40],
            ),
            request_location=ctx._("📍 Share my location"),
        )
    ]


def _row(place: Place) -> int:
    return (
        postcodes().by_code[place.postcode].index(place)
        if place in postcodes().by_code.get(place.postcode, [])
        else 0
    )


async def _suggestion(ctx: Context, args: tuple[str, ...]) -> list[Reply]:
    found = postcodes().by_code.get(args[0]) if len(args) == 2 else None
    row = int_arg(args[1], 3) if len(args) == 2 else None
    if not found or row is None or row >= len(found):
        return await stale_button(ctx)
    return await _save(ctx, found[row], by_code=False)


async def _save(ctx: Context, place: Place, *, by_code: bool) -> list[Reply]:
    network = await network_for_postcode(ctx.tx, place.postcode)
    if by_code:
        # A postcode covers several villages; name it after its municipality when we know it.
        municipality = await municipality_for_postcode(ctx.tx, place.postcode)
        place = replace(place, name=municipality or place.name)
    await update_person(
        ctx.tx,
        ctx.person.id,
        postcode=place.postcode,
        place=place.name,
        latitude=place.latitude,
        longitude=place.longitude,
        network_id=network.id if network else None,
    )
    ctx.person.postcode, ctx.person.place = place.postcode, place.name
    ctx.person.latitude, ctx.person.longitude = place.latitude, place.longitude
    ctx.person.network_id = network.id if network else None
    text = ctx._("📍 {postcode} {place}", postcode=place.postcode, place=place.name)
    return [Reply(text=text, remove_keyboard=True), *await advance(ctx)]
