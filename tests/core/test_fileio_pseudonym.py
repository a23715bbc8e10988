"""Keyed pseudonymous ids (app/core/fileio/pseudonym.py), shared by the usage reports and the training board."""

from __future__ import annotations

import pytest

from app.core.fileio.pseudonym import PSEUDONYM, KeyFileError, client_secret, pseudonym, team_key


def test_two_clients_on_one_share_get_stable_distinct_ids_that_reveal_neither_secret(tmp_path):
    share = tmp_path / "share"
    folder = share / ".zhida" / "usage"
    share.mkdir()
    secrets = [client_secret(tmp_path / f"home{i}" / "client.key") for i in range(2)]
    key = team_key(folder, share)
    assert team_key(folder, share) == key  # the first client created it; the second reads the same key
    ids = [pseudonym(key, s) for s in secrets]
    assert all(PSEUDONYM.match(i) for i in ids) and ids[0] != ids[1]
    assert client_secret(tmp_path / "home0" / "client.key") == secrets[0]
    assert pseudonym(key, secrets[0]) == ids[0]
    other = team_key(share / ".zhida" / "training", share, "training key")
    assert other != key and pseudonym(other, secrets[0]) != ids[0]  # not linkable across features
    assert all(s[:16] not in i for s in secrets for i in ids)


def test_a_key_file_that_is_a_link_or_not_a_key_is_refused_with_its_path(tmp_path):
    share = tmp_path / "share"
    folder = share / ".zhida" / "usage"
    folder.mkdir(parents=True)
    (folder / "TEAM_KEY").write_text("half-written\n", encoding="ascii")
    with pytest.raises(KeyFileError, match="TEAM_KEY: team key is not 64 hex digits"):
        team_key(folder, share)
    (folder / "TEAM_KEY").unlink()
    (tmp_path / "elsewhere").write_text("a" * 64, encoding="ascii")
    (folder / "TEAM_KEY").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(KeyFileError, match="symbolic link"):
        team_key(folder, share)
