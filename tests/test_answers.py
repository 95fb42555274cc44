from qa import Library
from conftest import PLEDGE, VISIT


def source_text(library: Library, citation) -> str:
    return citation.path.read_text(encoding="utf-8")


def assert_verbatim(library: Library, answer) -> None:
    for citation in answer.citations:
        assert source_text(library, citation)[citation.start:citation.end] == citation.passage
    for quote in answer.quotes:
        citation = answer.citations[quote.citation - 1]
        assert quote.text in citation.passage
        assert source_text(library, citation)[quote.start:quote.end] == quote.text


def test_how_many_is_answered_with_the_number(library: Library):
    answer = library.ask("How many more police officers has Kenya pledged to send?")
    assert answer.answered
    assert "600 more police officers" in answer.quotes[0].text
    assert answer.citations[0].path.name == PLEDGE and answer.citations[0].paragraph == 1
    assert answer.text.startswith(answer.quotes[0].text) and "[1]" in answer.text
    assert_verbatim(library, answer)


def test_when_prefers_a_date(library: Library):
    answer = library.ask("When was the MSS authorized by the Security Council?")
    assert "October 2023" in answer.quotes[0].text
    assert_verbatim(library, answer)


def test_sources_that_disagree_are_both_quoted(library: Library):
    answer = library.ask("How many people have been displaced?")
    quoted = " ".join(q.text for q in answer.quotes)
    assert "700,000" in quoted and "578,000" in quoted
    assert {c.path.name for c in answer.citations} == {PLEDGE, VISIT}
    assert_verbatim(library, answer)


def test_a_question_the_sources_do_not_cover_is_refused(library: Library):
    for question in ("Who won the 2022 World Cup?", "How do I bake sourdough bread?",
                     "What is Kenya's GDP?", "What is the population of Nairobi?"):
        answer = library.ask(question)
        assert not answer.answered, question
        assert answer.quotes == [] and answer.citations == []
        assert "don't cover" in answer.text


def test_a_follow_up_is_read_in_the_light_of_the_previous_question(library: Library):
    first = "How many Kenyan officers are patrolling in Haiti?"
    follow_up = "And how many are still in training?"
    assert "400" in library.ask(first).quotes[0].text
    answer = library.ask(follow_up, previous=[first])
    assert answer.answered and "undergoing training" in answer.quotes[0].text
    assert answer.interpreted_as and first in answer.interpreted_as
    alone = library.ask(follow_up)
    assert not alone.answered or "undergoing training" not in alone.quotes[0].text or alone.interpreted_as is None


def test_misspelled_names_get_did_you_mean_and_find_both_spellings(library: Library):
    answer = library.ask("What did Oneill say about resources?")
    assert answer.suggestions == []  # the sources have the word (as O'Neill): nothing to correct
    sources = {c.path.name for c in answer.citations}
    assert sources == {PLEDGE, VISIT}
    rutto = library.ask("Where did Rutto land?")
    assert rutto.suggestions == ["Ruto"] and rutto.corrected == "Where did Ruto land?"
    assert rutto.answered and "Ruto has landed" in rutto.quotes[0].text
    assert answer.corrected is None


def test_quotes_are_at_most_three_and_never_stitched(library: Library):
    answer = library.ask("What did O'Neil say about the gangs and the police?")
    assert 1 <= len(answer.quotes) <= 3
    assert_verbatim(library, answer)


def test_unicode_question_forms_match(library: Library):
    accented = library.ask("What did the police officer in Jérémie say?")
    plain = library.ask("What did the police officer in Jeremie say?")
    assert accented.quotes[0].text == plain.quotes[0].text
    assert "severe lack of resources" in plain.quotes[0].text


def test_the_answering_words_are_marked_for_numbers_and_dates(library: Library):
    for question, words in [("How many more police officers has Kenya pledged to send?", "600"),
                            ("When was the MSS authorized by the Security Council?", "October 2023")]:
        answer = library.ask(question)
        assert answer.answer is not None, question
        quote = answer.quotes[answer.answer.quote].text
        assert quote[answer.answer.start:answer.answer.end] == words
    assert library.ask("What did Ruto tell the officers?").answer is None


def test_case_never_matters(library: Library):
    shouted = library.ask("HOW MANY OFFICERS HAS KENYA PLEDGED?")
    assert shouted.answered and "600 more police officers" in shouted.quotes[0].text
    assert shouted.suggestions == []


def test_a_question_naming_its_own_subject_is_not_a_follow_up(library: Library):
    officers = "How many officers has Kenya pledged?"
    blinken = library.ask("Who is Blinken?", previous=[officers])
    assert blinken.interpreted_as is None and "Blinken" in blinken.quotes[0].text
    ruto = library.ask("Who is Ruto?", previous=["How many people have been displaced?"])
    assert ruto.answered and ruto.interpreted_as is None
    said = library.ask("What did he say?", previous=["Who is Blinken?"])
    assert said.interpreted_as and "Blinken" in said.quotes[0].text


def test_did_you_mean_only_for_words_the_sources_lack(tmp_path):
    (tmp_path / "normandy.txt").write_text(
        "Normandy\n\nRollo was the first ruler of Normandy. King Charles gave him the land in 911.\n",
        encoding="utf-8")
    library = Library.open(tmp_path)
    assert library.ask("What kind of land did Rollo get?").suggestions == []
    assert library.ask("What did Rollo's king give him?").suggestions == []
    assert library.ask("Who was Rolo?").suggestions == ["Rollo"]


def test_a_sentence_several_sources_repeat_is_quoted_once(tmp_path):
    repeated = "The harbour   authority counted 412 ships in November."
    for n, extra in enumerate(["The pier was repainted.", "Gulls nest on the roof.", "The ferry runs hourly."]):
        (tmp_path / f"port-{n}.txt").write_text(f"Port news {n}\n\n{repeated.replace('   ', ' ' * (n + 1))} "
                                                f"{extra}\n", encoding="utf-8")
    (tmp_path / "log.txt").write_text("Harbour log\n\nIn November the harbour authority counted ships "
                                      "arriving at night.\n", encoding="utf-8")
    answer = Library.open(tmp_path).ask("How many ships did the harbour authority count in November?")
    texts = [" ".join(quote.text.split()) for quote in answer.quotes]
    assert texts.count("The harbour authority counted 412 ships in November.") == 1
    assert len(texts) == len(set(texts)) and len(texts) > 1, "the next best sentence fills the place"
    assert len(answer.citations) == len({q.citation for q in answer.quotes})
