"""The update planner alone: what must be added, changed, deleted or rebuilt, from manifest and file states."""

from __future__ import annotations

from app.core.search.plan import DICTIONARY, MISSING, REQUESTED, SCHEMA, plan_update

META = {"schema_version": 9, "vocab_by_file": {"kb/a.md": ["运费险"]}, "synonyms_by_file": {}}


def test_unchanged_files_plan_nothing():
    manifest = {"kb/a.md": [1, 1, "x"]}
    assert plan_update(META, manifest, {"kb/a.md": manifest["kb/a.md"]}, schema_version=9).empty
    # Touched (new mtime) but the same bytes: still nothing to do.
    assert plan_update(META, manifest, {"kb/a.md": [1, 2, "x"]}, schema_version=9).empty


def test_added_changed_and_deleted_files_are_told_apart_and_their_words_dropped():
    manifest = {"kb/a.md": [1, 1, "x"], "kb/b.md": [1, 1, "y"]}
    plan = plan_update(META, manifest, {"kb/a.md": [1, 2, "x2"], "kb/c.md": [1, 1, "z"]}, schema_version=9)
    assert (plan.added, plan.changed, plan.deleted, plan.rebuild) == (["kb/c.md"], ["kb/a.md"], ["kb/b.md"], "")
    assert plan.to_parse == ["kb/c.md", "kb/a.md"] and plan.touched == ["kb/a.md", "kb/b.md"]
    assert "kb/a.md" not in plan.vocab  # its words come back when it is parsed again


def test_missing_meta_another_schema_or_a_request_rebuild_everything():
    states = {"kb/a.md": [1, 1, "x"]}
    assert plan_update(None, {}, states, schema_version=9).rebuild == MISSING
    assert plan_update({**META, "schema_version": 3}, states, states, schema_version=9).rebuild == SCHEMA
    plan = plan_update(META, states, states, rebuild=REQUESTED, schema_version=9)
    assert plan.rebuild == REQUESTED and plan.added == ["kb/a.md"] and plan.deleted == []


def test_a_changed_dictionary_or_synonyms_file_rebuilds_because_every_text_is_cut_again():
    manifest = {"kb/a.md": [1, 1, "x"], "scripts_library/userdict.txt": [1, 1, "d"]}
    states = {**manifest, "scripts_library/userdict.txt": [2, 2, "d2"]}
    assert plan_update(META, manifest, states, schema_version=9).rebuild == DICTIONARY
    states = {**manifest, "scripts_library/synonyms.yaml": [1, 1, "s"]}
    assert plan_update(META, manifest, states, schema_version=9).rebuild == DICTIONARY
    # A library file that held synonym groups last time counts too, whatever its name.
    meta = {**META, "synonyms_by_file": {"scripts_library/words.yaml": [["退款", "退钱"]]}}
    manifest = {**manifest, "scripts_library/words.yaml": [1, 1, "w"]}
    states = {**manifest, "scripts_library/words.yaml": [1, 2, "w2"]}
    assert plan_update(meta, manifest, states, schema_version=9).rebuild == DICTIONARY
