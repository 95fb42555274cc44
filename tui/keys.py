"""The keys as a whole: the help's sections and the command palette, made from the bindings of
each piece (the app's, the conversation's, the sidebar's, each screen's), and the keys of one
burst read in order, as if typed apart.

Each binding's tooltip says what it does; the help and the palette are generated from them, so
they never disagree with the keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial

from textual import events
from textual.actions import parse
from textual.app import App, ReturnType, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input

# Textual's own keys, described for the help (the app inherits them).
BUILT_IN = [Binding("ctrl+p", "command_palette", tooltip="the command palette: every action by name, and themes"),
            Binding("ctrl+q", "quit", tooltip="quit (an add in progress stops after the files in hand)")]


# Keys held for a screen wait in steps of a frame (a timer: Textual's "after refresh" callbacks belong to
# the screen on top, and are lost with it if it closes first, which held every key for good).
FRAME = 1 / 60
# How many frames the keys after an escape wait for it to close its screen, and the keys after
# an action that opens a screen wait for it to open.
ESCAPE_FRAMES = 5
OPENING_FRAMES = 60
# Seconds after which a key not yet seen handled no longer holds the keys after it (its widget
# was removed with the key in its queue): typing never stops for good.
HANDLED_WITHIN = 1.0


# Below this many columns the footer is compact and leaves out the palette's key (f1 and the
# palette itself list it): a selected follow-up's keys were cut off at 80 columns.
NARROW = 100


class FittingFooter(Footer):
    """Textual's footer, made to fit a narrow terminal."""

    def on_resize(self, event: events.Resize) -> None:
        narrow = self.app.size.width < NARROW
        self.compact = narrow
        if self.show_command_palette == narrow:  # read only as the footer is composed
            self.show_command_palette = not narrow
            self.call_later(self.recompose)


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


class KeysInOrderApp(App[ReturnType]):
    """An app that reads the keys of one burst as if typed apart.

    Textual hands each key to the focused widget's queue as it arrives, and runs a binding only
    when the key has bubbled up to the app: by then the keys after it are already queued where
    the focus was. "/gang" typed at once in the viewer jumped to the top (g) instead of
    searching. Here a key holds the keys after it until it has been handled: followed up the
    widgets' queues to the app, then one more turn of the app's queue, where the focus its
    binding moved is set (and, if it changed the screen, until the new one is ready). What is
    typed in a text box goes straight on, as fast as in a bare app: the box takes it. Keys after a
    key that opens a screen in a worker wait for that screen (`hold_keys_for_screen`), and an
    alt+character is read as escape then the character (`escape_then_key`).
    """

    def __init__(self) -> None:
        super().__init__()
        self._held: list[events.Key] | None = None  # keys waiting for the ones before them
        self._in_flight: tuple[events.Key, Screen] | None = None  # the key being handled, and where
        self._screen_awaited = False  # the held keys wait for a screen to open or close

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
        elif self._held is not None:
            self._held.append(event)
        elif apart := escape_then_key(event):
            escape, key = apart
            await self._deliver(escape)
            self._await_screen(ESCAPE_FRAMES)  # the key typed after escape belongs to the screen under
            self._hold(key)
        elif getattr(self.focused, "opens_a_screen", lambda key: False)(event.key):
            await self._deliver(event)
            self.hold_keys_for_screen()  # a citation's number: the keys after it go to the viewer
        elif isinstance(self.focused, Button) and event.key in ("enter", "space") or \
                isinstance(self.focused, Input) and event.key == "enter":
            await self._deliver(event)
            # A dialog's button closes it, a box's enter may move the focus in a message's handler
            # (the viewer's search, back to the text: "/decompress⏎nn" searched "decompressnn").
            self._await_screen(ESCAPE_FRAMES, focus_too=True)
        elif isinstance(self.focused, Input) and event.is_printable:
            await super().on_event(event)  # typing: the box takes it, no binding under it sees it
        else:
            await self._deliver(event)

    def hold_keys_for_screen(self) -> None:
        """Keys typed from now on wait for the screen an action is opening, and go to it: f2 then
        "zsh" typed at once filters the browser, not the question box."""
        self._await_screen(OPENING_FRAMES)

    def _hold(self, key: events.Key | None = None) -> None:
        if self._held is None:
            self._held = []
        if key is not None:
            self._held.append(key)

    async def _deliver(self, key: events.Key) -> None:
        """Hand ``key`` to Textual and hold the keys after it until it has been handled."""
        self._hold()
        self._in_flight = key, self.screen
        target = self.focused or self.screen
        self.set_timer(HANDLED_WITHIN, partial(self._settled, key))
        await super().on_event(key)
        if not key.is_forwarded:  # taken by a priority binding
            self.call_later(self._settled, key)
        elif not target.call_later(self._follow, key, target):
            await self._settled(key)

    async def _follow(self, key: events.Key, node: DOMNode) -> None:
        """Called in ``node``'s queue after it handled ``key``: on to the next queue it may have
        bubbled to, up to the app; there, one more turn, after the focus a binding moved."""
        if node is self or (parent := node.parent) is None or not parent.call_later(self._follow, key, parent):
            self.call_later(self._settled, key)

    async def _settled(self, key: events.Key) -> None:
        if self._in_flight is None or self._in_flight[0] is not key or not self.is_running:
            return
        _, screen = self._in_flight
        self._in_flight = None
        if self.screen is not screen and not self._screen_awaited:  # it opened or closed a screen
            self._screen_awaited = True
            await self._screen_changed(screen, None, ESCAPE_FRAMES)
        else:
            await self._release()

    def _await_screen(self, frames: int, focus_too: bool = False) -> None:
        """Hold the keys until the screen changes (or, ``focus_too``, the focus), or ``frames`` pass."""
        if not self._screen_awaited:
            self._hold()
            self._screen_awaited = True
            focused = self.focused if focus_too else None
            self.set_timer(FRAME, partial(self._screen_changed, self.screen, focused, frames))

    async def _screen_changed(self, screen: Screen, focused: Widget | None, frames: int) -> None:
        """The held keys go on once the screen has changed (an escape closed it, or an action
        opened another) and the new one is ready (mounted, and `takes_keys` if it says), or the
        focus has left ``focused``, or a few frames later: they belong to where the reader then
        is, as if typed apart."""
        if not self.is_running or not self.screen_stack:  # the app is closing: nothing to type into
            return
        unchanged = self.screen is screen and (focused is None or self.focused is focused)
        ready = self.screen.is_mounted and getattr(self.screen, "takes_keys", True)
        if frames and (unchanged or not ready):
            self.set_timer(FRAME, partial(self._screen_changed, screen, focused, frames - 1))
        else:
            self._screen_awaited = False
            await self._release()

    async def _release(self) -> None:
        """The held keys, in order, once nothing holds them: the first may start a new hold,
        which the rest join."""
        if self._in_flight is None and not self._screen_awaited and self._held is not None:
            held, self._held = self._held, None
            for key in held:
                await self.on_event(key)


def hold_keys_for_screen(node: DOMNode) -> None:
    """From an action that opens a screen in a worker (which starts only after the keys typed
    next are delivered): those keys wait for the screen, as `KeysInOrderApp.hold_keys_for_screen`."""
    if isinstance(node.app, KeysInOrderApp):
        node.app.hold_keys_for_screen()


def help_sections(app: App) -> list[tuple[str, Sequence[Binding]]]:
    # Imported here: the screens are loaded when first used, not before the first frame.
    from tui.browser import SourcesScreen
    from tui.conversation import Conversation
    from tui.dialogs import AddProgressScreen
    from tui.passage_text import PassageText
    from tui.sidebar import SourcesPanel
    from tui.source_list import SourceList
    from tui.viewer import PassageScreen
    from tui.widgets import AnswerView, QuestionInput

    return [("Everywhere", [*app.BINDINGS, *BUILT_IN]),
            ("In the conversation and the question box", [*Conversation.BINDINGS, *QuestionInput.BINDINGS]),
            ("On a selected answer (shift+tab selects; other keys go to the question box)", AnswerView.BINDINGS),
            ("In the sidebar (tab from the question box)",
             [*SourcesPanel.BINDINGS, *(b for b in SourceList.BINDINGS if b.action == "open")]),
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
