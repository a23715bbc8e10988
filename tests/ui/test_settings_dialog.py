"""The settings dialog edits what the agent chooses and refuses a folder that is not a content root."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.core.settings import Settings, load_settings, save_settings
from app.ui.settings_dialog import SettingsDialog


def test_edited_values_come_back_and_survive_a_restart(qtbot, make_root, zhida_home):
    root = make_root({})
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.content.setText(str(root))
    dialog.role.setCurrentText("知识管理员")
    dialog.audience.setCurrentText("老年")
    dialog.channel.setCurrentText("电话")
    dialog.font_size.setValue(14)
    dialog.on_top.setChecked(True)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == SettingsDialog.Accepted
    save_settings(dialog.result_settings())
    settings, warning = load_settings()
    assert warning is None
    assert (
        settings.content_root,
        settings.role,
        settings.audience,
        settings.channel,
        settings.font_size,
        settings.always_on_top,
    ) == (str(root), "知识管理员", "老年", "电话", 14, True)
    assert (zhida_home / "settings.json").exists()


def test_a_folder_without_kb_is_refused(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    warnings = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: warnings.append((box.text(), box.textFormat())))
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.content.setText(str(tmp_path))
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() != SettingsDialog.Accepted
    assert warnings and "kb/" in warnings[0][0]
    assert warnings[0][1] == Qt.TextFormat.PlainText, "a folder name is shown as text"


def test_broken_settings_file_falls_back_to_defaults_with_a_warning(zhida_home):
    (zhida_home / "settings.json").write_text("{not json", encoding="utf-8")
    settings, warning = load_settings()
    assert settings == Settings() and "settings.json" in warning


def test_an_empty_folder_is_accepted_as_a_pull_target_when_a_share_is_set(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    warnings = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: warnings.append(box.text()))  # the plain-text box
    empty = tmp_path / "new-agent"
    empty.mkdir()
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.content.setText(str(empty))
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()  # no share: an empty folder would stay empty
    assert dialog.result() != SettingsDialog.Accepted and "团队共享文件夹" in warnings[-1]
    dialog.shared.setText(str(tmp_path / "share"))
    ok.click()
    assert dialog.result() == SettingsDialog.Accepted and len(warnings) == 1
    assert dialog.result_settings().content_root == str(empty)
