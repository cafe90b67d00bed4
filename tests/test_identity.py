"""Card identity across content edits: review history follows the id; removed cards become orphans."""

from __future__ import annotations

from fixtures.studyrun import cards_json, review_session, run_study, study_env


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def grade_all(env, grade="4"):
    shown, err, code = review_session(env, lambda card: grade)
    assert code == 0, err
    return shown


QA = "---\ndeck: ident\n---\n\n## Q: {question}{id}\n\n{answer}\n\nSource: s\n"


def test_explicit_id_survives_question_and_answer_edits(tmp_path):
    content, home = tmp_path / "content", tmp_path / "home"
    env = study_env(home, content)
    write(content / "a.md", QA.format(question="Old question?", id=" {#keep-me}", answer="Old answer."))
    grade_all(env)
    write(content / "a.md", QA.format(question="Reworded question?", id=" {#keep-me}", answer="New answer."))
    state = cards_json(env)
    assert list(state) == ["keep-me"]
    assert state["keep-me"]["front"] == "Reworded question?" and state["keep-me"]["reviews"] == 1
    assert cards_json(env, "--orphans") == {}


def test_derived_id_survives_answer_edit_but_not_question_edit(tmp_path):
    content, home = tmp_path / "content", tmp_path / "home"
    env = study_env(home, content)
    write(content / "a.md", QA.format(question="What is a lag?", id="", answer="First answer."))
    grade_all(env)
    (old_id,) = cards_json(env)
    write(content / "a.md", QA.format(question="What is a lag?", id="", answer="A better answer."))
    state = cards_json(env)
    assert list(state) == [old_id] and state[old_id]["reviews"] == 1
    # whitespace-only changes to the question keep the id too
    write(content / "a.md", QA.format(question="What  is a\tlag?", id="", answer="A better answer."))
    assert list(cards_json(env)) == [old_id]
    write(content / "a.md", QA.format(question="What is consumer lag?", id="", answer="A better answer."))
    state = cards_json(env)
    (new_id,) = state
    assert new_id != old_id and state[new_id]["reviews"] == 0
    orphans = cards_json(env, "--orphans")
    assert list(orphans) == [old_id] and orphans[old_id]["reviews"] == 1 and orphans[old_id]["orphan"]


def test_removed_card_keeps_history_and_comes_back(tmp_path):
    content, home = tmp_path / "content", tmp_path / "home"
    env = study_env(home, content)
    write(content / "a.md", QA.format(question="Stays?", id=" {#stays}", answer="yes"))
    write(content / "b.md", QA.format(question="Goes?", id=" {#goes}", answer="yes"))
    grade_all(env, "5")
    (content / "b.md").unlink()
    assert list(cards_json(env)) == ["stays"]
    orphans = cards_json(env, "--orphans")
    assert list(orphans) == ["goes"] and orphans["goes"]["easiness"] == 2.6
    table = run_study(env, "cards", "--orphans")
    assert "goes" in table.stdout and "1 orphaned cards" in table.stdout
    # an orphan is never reviewed
    later = study_env(home, content, "2026-01-05T09:00")
    assert [c["id"] for c in grade_all(later)] == ["stays"]
    write(content / "moved/c.md", QA.format(question="Goes, moved?", id=" {#goes}", answer="yes"))
    state = cards_json(later)
    assert state["goes"]["reviews"] == 1 and state["goes"]["source"] == "moved/c.md:5"
    assert cards_json(later, "--orphans") == {}


def test_cloze_identity_ignores_the_deleted_words(tmp_path):
    content, home = tmp_path / "content", tmp_path / "home"
    env = study_env(home, content)
    note = "---\ndeck: cz\n---\n\nMetadata lives in the {{%s}} log.\n\nSource: s\n"
    write(content / "c.md", note % "KRaft metadata")
    grade_all(env)
    (card_id,) = cards_json(env)
    write(content / "c.md", note % "__cluster_metadata")
    state = cards_json(env)
    assert list(state) == [card_id] and state[card_id]["reviews"] == 1


def test_duplicate_ids_across_files_name_both_places(tmp_path):
    content, home = tmp_path / "content", tmp_path / "home"
    env = study_env(home, content)
    write(content / "a.md", QA.format(question="One?", id=" {#same}", answer="1"))
    write(content / "sub/b.md", QA.format(question="Two?", id=" {#same}", answer="2"))
    check = run_study(env, "content", "check")
    assert check.returncode == 1
    assert "sub/b.md:5: error: duplicate card id 'same': already used at a.md:5" in check.stdout
    # the review still works with the first one
    shown = grade_all(env)
    assert [c["source"] for c in shown] == ["a.md:5"]
