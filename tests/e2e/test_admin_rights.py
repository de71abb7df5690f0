"""Rights are checked by every admin handler, not by the button: a non-admin who sends every
admin command and presses every button an admin was shown (a modified client can send any
callback data) is refused, and nothing in the database changes."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.admin_support import action, callback_data, handled, snapshot
from tests.e2e.harness import JumpClock, running_bot
from tests.e2e.journeys import Person
from trt_local.app import TrtApp
from trt_local.bot.commands import ADMIN_COMMANDS, OWNER_COMMANDS
from trt_local.emulator import TelegramEmulator

OWNER = 9100
ANN = 5201  # an ordinary user the admin works on
MALLORY = 5100  # not an admin, with a modified client
HELPER = 5300  # an admin added by the owner, not an owner

# Arguments that would do something real if the sender had the rights.
COMMAND_ARGS = {
    "user": f"{ANN}",
    "block": f"{ANN}",
    "unblock": f"{ANN}",
    "topup": f"{ANN} 500 gift",
    "error": "ABC123",
    "export": "ledger",
    "promo_new": "FREE 1000",
    "promo_off": "KEEP",
    "admin_add": f"{MALLORY}",
    "admin_remove": f"{HELPER}",
}
# Not the panel's: Home is everyone's; Broadcasts ("bc") check their rights in their own handlers.
NOT_ADMIN_ACTIONS = frozenset({"menu", "bc"})


async def prepare(app: TrtApp, emu: TelegramEmulator, clock: JumpClock) -> Person:
    """Ann with money and a stored error, a helper admin, a promo code; returns the owner."""
    ann = Person(emu.user(ANN, "Ann", username="ann"), clock)
    await ann.send("/start")
    await ann.wait("Hi, Ann")
    helper = Person(emu.user(HELPER, "Hal"), clock)
    await helper.send("/start")
    await helper.wait("Hi, Hal")
    owner = Person(emu.user(OWNER, "Boss"), clock)
    await owner.send(f"/topup {ANN} 20 first money")
    await owner.wait(f"to user {ANN}")
    await owner.send(f"/admin_add {HELPER}")
    await owner.wait("is an admin now")
    assert app.services is not None
    await app.services.promo.create(OWNER, "KEEP", amount_minor=1_000)
    try:
        raise ValueError("a stored failure")
    except ValueError as exc:
        await app.services.errors.record(
            "ABC123", source="update", place="update 7: /start", user_id=ANN, error=exc
        )
    return owner


async def walk_panel(emu: TelegramEmulator, database: Path, owner: Person) -> list[str]:
    """Press every admin button the owner was ever shown until no new one appears; returns
    every callback data seen. A button gone from view (its message edited) is pressed as a
    client may replay it, on the newest message."""
    await owner.send("/admin")
    panel = await owner.wait("Admin panel")
    pressed: list[str] = []
    while True:
        shown = [d for d in callback_data(emu, OWNER) if action(d) not in NOT_ADMIN_ACTIONS]
        waiting = [d for d in shown if d not in pressed]
        if not waiting:
            return shown
        data = waiting[0]
        pressed.append(data)
        clock_jump(owner)
        query_id = await owner.user.press_data(data, message_id=panel.message_id)
        await handled(emu, database, query_id)
        answer = emu.callback_answer(query_id)
        assert answer.answered and answer.text != "Not allowed.", data
        if action(data) == "aadj":  # the typed half of the adjust flow shows its own buttons
            await owner.send("+5")
            await owner.wait("Now send the reason")
            await owner.send("walk")
            await owner.wait("Reason: walk")


def clock_jump(person: Person) -> None:
    person.clock.jump(1)


async def test_a_non_admin_replaying_every_admin_button_and_command_changes_nothing(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    database = tmp_path / "trt.db"
    async with running_bot(emu, tmp_path, admin_ids=[OWNER], clock=clock) as app:
        owner = await prepare(app, emu, clock)
        seen = await walk_panel(emu, database, owner)
        # The walk reached every section and every action on a card.
        assert {action(d) for d in seen} >= {
            "adm", "ast", "ausr", "au", "aadj", "ablk", "aadm",
            "aerr", "ae", "akie", "athr", "aexp", "ax",
        }  # fmt: skip
        assert any(m.media_kind == "document" for m in owner.user.messages)  # an export went out

        mallory = Person(emu.user(MALLORY, "Mallory"), clock)
        await mallory.send("/start")
        menu = await mallory.wait("Hi, Mallory")
        before = snapshot(database)
        calls_before = len(emu.calls)
        for data in seen:
            clock.jump(1)
            query_id = await mallory.user.press_data(data, message_id=menu.message_id)
            await handled(emu, database, query_id)
            answer = emu.callback_answer(query_id)
            assert (answer.text, answer.show_alert) == ("Not allowed.", True), data

        commands = {name for name, _ in [*ADMIN_COMMANDS["en"], *OWNER_COMMANDS["en"]]}
        for name in sorted(commands):
            mallory.user.mark_read()
            await mallory.send(f"/{name} {COMMAND_ARGS.get(name, '')}".strip())
            reply = await mallory.user.next_message()
            assert reply.content.startswith("I don't know that command"), name

        assert snapshot(database) == before
        # Mallory was only ever told "no": nothing else went to her chat, no document anywhere.
        later = emu.calls[calls_before:]
        to_mallory = [c for c in later if c.params.get("chat_id") == str(MALLORY)]
        assert {c.method for c in to_mallory} == {"sendMessage"}
        assert all("I don't know that command" in c.params["text"] for c in to_mallory)
        assert not [c for c in later if c.method == "sendDocument"]


async def test_an_added_admin_cannot_touch_admin_rights(
    emu: TelegramEmulator, tmp_path: Path
) -> None:
    clock = JumpClock()
    database = tmp_path / "trt.db"
    async with running_bot(emu, tmp_path, admin_ids=[OWNER, 9101], clock=clock) as app:
        owner = await prepare(app, emu, clock)
        helper = Person(emu.user(HELPER, "Hal"), clock)
        # The helper works the panel, but the card has no admin button for them.
        await helper.send(f"/user {ANN}")
        card = await helper.wait("id 5201")
        assert "⭐ Make admin" not in card.button_texts and "🚫 Block" in card.button_texts

        before = snapshot(database)
        for command in (f"/admin_add {ANN}", "/admin_remove 9101", f"/admin_remove {OWNER}"):
            helper.user.mark_read()
            await helper.send(command)
            reply = await helper.user.next_message()
            assert reply.content == "Only the bot's owners (TRT_ADMIN_IDS) can do that."
        query_id = await helper.user.press_data(f"1|aadm|{ANN}|1", message_id=card.message_id)
        await handled(emu, database, query_id)
        assert (
            emu.callback_answer(query_id).text
            == "Only the bot's owners (TRT_ADMIN_IDS) can do that."
        )
        assert snapshot(database) == before

        # Owners: a config owner stays; an added admin goes, and with them the rights.
        owner.user.mark_read()
        await owner.send("/admin_remove 9101")
        assert "listed in TRT_ADMIN_IDS" in (await owner.user.next_message()).content
        await owner.send(f"/block {HELPER}")
        await owner.wait("Admins cannot be blocked")
        await owner.send(f"/admin_remove {HELPER}")
        await owner.wait(f"User {HELPER} is no longer an admin.")
        helper.user.mark_read()
        await helper.send("/admin")
        assert (await helper.user.next_message()).content.startswith("I don't know that command")
        assert app.services is not None
        assert await app.services.users.admin_ids() == [OWNER, 9101]
