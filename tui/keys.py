"""The keys as a whole: the help's sections and the command palette, made from the bindings of
each piece (the app's, the conversation's, the sidebar's, each screen's), and escape read apart
from the key typed right after it.

Each binding's tooltip says what it does; the help and the palette are generated from them, so
they never disagree with the keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual import events
from textual.actions import parse
from textual.app import App, ReturnType, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen


# Textual's own keys, described for the help (the app inherits them).
BUILT_IN = [Binding("ctrl+p", "command_palette", tooltip="the command palette: every action by name, and themes"),
            Binding("ctrl+q", "quit", tooltip="quit (an add in progress stops after the file in hand)")]


# How many refreshes the keys after such an escape wait for it to close its screen, and the
# keys after an action that opens a screen wait for it to open.
ESCAPE_REFRESHES = 5
OPENING_REFRESHES = 20


def escape_then_key(event: events.Key) -> list[events.Key] | None:
    """An alt+character key taken apart again into escape and the character, or None.

    Escape then a key within Textual's ESCDELAY (100 ms), or both read at once under load,
    arrive as one alt+key: "1, escape, x" left the viewer open with x in it. qa binds no
    alt+character key, so each is read as what it almost always is. (alt+backspace, the
    question box's delete-a-word, has no printable character and is left alone.)
    """
    character = event.character
    if not (event.key.startswith("alt+") and character and len(character) == 1 and character.isprintable()):
        return None
    key = character if character.isupper() else event.key.removeprefix("alt+")
    return [events.Key("escape", "\x1b"), events.Key(key, character)]


class EscapeThenKeyApp(App[ReturnType]):
    """An app that reads an alt+character key as the escape and the key typed (`escape_then_key`)."""

    def __init__(self) -> None:
        super().__init__()
        self._held: list[events.Key] | None = None  # keys typed after such an escape, until it lands

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._held is not None:  # typed after an escape still closing its screen
                self._held.append(event)
                return
            if apart := escape_then_key(event):
                self._held = [apart[1]]
                await super().on_event(apart[0])
                await self._release_held(self.screen, ESCAPE_REFRESHES)
                return
            if getattr(self.focused, "opens_a_screen", lambda key: False)(event.key):
                await super().on_event(event)  # a citation's number: the keys after it go to the viewer
                self.hold_keys_for_screen()
                return
        await super().on_event(event)

    def hold_keys_for_screen(self) -> None:
        """Keys typed from now on wait for the screen an action is opening, and go to it: f2 then
        "zsh" typed at once filters the browser, not the question box. (The action's key must
        be a priority binding: others run only after the keys typed after them are delivered.)"""
        if self._held is None:
            self._held = []
            self.call_after_refresh(self._release_held, self.screen, OPENING_REFRESHES)

    async def _release_held(self, screen: Screen, refreshes: int) -> None:
        """The keys held back go on once the screen has changed (an escape closed it, or an
        action opened another) or a few refreshes later: they belong to the screen then on top,
        as if typed apart."""
        if self.screen is screen and refreshes:
            self.call_after_refresh(self._release_held, screen, refreshes - 1)
            return
        if self.screen is not screen and not self.screen.is_mounted:
            self.call_after_refresh(self._release_held, screen, 0)  # wait for it to be ready
            return
        held, self._held = self._held or [], None
        for key in held:
            await self.on_event(key)


def help_sections(app: App) -> list[tuple[str, Sequence[Binding]]]:
    # Imported here: the screens are loaded when first used, not before the first frame.
    from tui.browser import SourcesScreen
    from tui.conversation import Conversation
    from tui.dialogs import AddProgressScreen
    from tui.passage_text import PassageText
    from tui.sidebar import SourcesPanel
    from tui.viewer import PassageScreen
    from tui.widgets import AnswerView, QuestionInput

    return [("Everywhere", [*app.BINDINGS, *BUILT_IN]),
            ("In the conversation and the question box", [*Conversation.BINDINGS, *QuestionInput.BINDINGS]),
            ("On a selected answer (shift+tab selects; other keys go to the question box)", AnswerView.BINDINGS),
            ("In the sidebar (tab from the answers; enter opens a source)", SourcesPanel.BINDINGS),
            ("In the passage viewer", [*PassageScreen.BINDINGS, *PassageText.BINDINGS]),
            ("In the sources browser (f2: type to filter, enter opens, tab then space marks)",
             SourcesScreen.BINDINGS),
            ("In an add's progress (ctrl+o while adding)", AddProgressScreen.BINDINGS)]


def palette(app: App, pieces: Sequence[DOMNode]) -> Iterable[SystemCommand]:
    """A palette entry for each action of ``pieces`` (their own bindings) available now, named
    as in the footer; run in its piece, as its key would."""
    for piece in pieces:
        for binding in piece.BINDINGS:
            if not isinstance(binding, Binding) or not binding.tooltip or binding.action.startswith("scroll_page"):
                continue
            _, name, parameters = parse(binding.action)
            if piece.check_action(name, parameters):
                yield SystemCommand(binding.description, f"{binding.tooltip} ({binding.key})",
                                    lambda action=binding.action, piece=piece: app.run_action(action, piece))
