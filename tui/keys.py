"""Every key of the app in one place: the bindings, the palette made from them, the help's sections.

Each binding's tooltip says what it does; the help and the command palette are generated from
them, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from textual import events
from textual.app import App, ReturnType, SystemCommand
from textual.binding import Binding
from textual.screen import Screen


APP_BINDINGS = [
    Binding("f1", "help", "Help", tooltip="this help"),
    Binding("ctrl+o", "add_source", "Add", tooltip="add files or a folder (while adding: its progress)"),
    Binding("f2", "browse", "Sources", tooltip="browse the sources: filter, open, mark, ask within, remove"),
    Binding("ctrl+f", "find", "Find", tooltip="find in the conversation (enter or up/down: next match)"),
    Binding("ctrl+g", "ask_last_again", "Ask alone", tooltip="ask the last question again, not as a follow-up"),
    Binding("ctrl+t", "ask_corrected", "Did you mean", tooltip="ask the last question as \"Did you mean\" spells it"),
    Binding("escape", "ask_everywhere", "All sources", tooltip="after \"ask within\": ask all sources again"),
    Binding("ctrl+z", "undo_clear", "Undo clear", tooltip="bring back the conversation ctrl+l cleared"),
    Binding("ctrl+b", "toggle_sources", "Sidebar", show=False, tooltip="show or hide the sources sidebar"),
    Binding("ctrl+r", "browse", "Remove sources", show=False, tooltip="the sources browser, to mark and remove"),
    Binding("ctrl+s", "export", "Export", show=False, tooltip="export the conversation to a Markdown file"),
    Binding("ctrl+y", "copy_answer", "Copy last answer", show=False, tooltip="copy the last answer (Markdown)"),
    Binding("ctrl+l", "clear", "Clear", show=False, tooltip="clear the conversation (ctrl+z brings it back)"),
    Binding("pageup", "scroll_chat(-1)", "Scroll up", show=False, tooltip="scroll the conversation"),
    Binding("pagedown", "scroll_chat(1)", "Scroll down", show=False, tooltip="scroll the conversation"),
]

# Textual's own keys, described for the help (the app inherits them).
BUILT_IN = [Binding("ctrl+p", "command_palette", tooltip="the command palette: every action by name, and themes"),
            Binding("ctrl+q", "quit", tooltip="quit (an add in progress stops after the file in hand)")]


# How many refreshes the keys after such an escape wait for it to close its screen.
ESCAPE_REFRESHES = 5


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
                await self._release_after_escape(self.screen, ESCAPE_REFRESHES)
                return
        await super().on_event(event)

    async def _release_after_escape(self, screen: Screen, refreshes: int) -> None:
        """The keys held back go on once the escape has closed its screen (or a few refreshes
        later, when it closed none): they belong to the screen underneath, as typed apart."""
        if self.screen is screen and refreshes:
            self.call_after_refresh(self._release_after_escape, screen, refreshes - 1)
            return
        held, self._held = self._held or [], None
        for key in held:
            await self.on_event(key)


def help_sections() -> list[tuple[str, Sequence[Binding]]]:
    # Imported here: the screens are loaded when first used, not before the first frame.
    from tui.browser import SourcesScreen
    from tui.passage_text import PassageText
    from tui.viewer import PassageScreen
    from tui.widgets import AnswerView, QuestionInput

    return [("Everywhere", [*APP_BINDINGS, *BUILT_IN]), ("In the question box", QuestionInput.BINDINGS),
            ("On a selected answer (shift+tab selects; other keys go to the question box)", AnswerView.BINDINGS),
            ("In the passage viewer", [*PassageScreen.BINDINGS, *PassageText.BINDINGS]),
            ("In the sources browser (f2)", SourcesScreen.BINDINGS)]


def palette(available: Callable[[str], bool], run: Callable[[str], object]) -> Iterable[SystemCommand]:
    """A palette entry for each of the app's actions available now, named as in its footer."""
    for binding in APP_BINDINGS:
        if available(binding.action) and not binding.action.startswith("scroll_chat"):
            yield SystemCommand(binding.description, f"{binding.tooltip} ({binding.key})",
                                lambda action=binding.action: run(action))
