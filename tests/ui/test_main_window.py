"""The agent's window driven through real widgets: search, read, build, check, copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent

from app.core.paths import bundled_content_root
from app.core.settings import Settings, load_settings
from app.ui.main_window import TAB_ARTICLE, TAB_BUILDER, TAB_PROBLEMS, TAB_SCRIPTS, TAB_TRAINING, MainWindow
from app.ui.results import hit_html
from tests.conftest import article
from tests.ui.conftest import search, type_text


def test_search_box_has_focus_and_typing_shows_results(qtbot, window):
    assert window.search_box.hasFocus()
    search(qtbot, window, "退款")
    hit = window.results.current_hit()
    assert hit.id == "refund-time" and hit.kind == "article"


def test_enter_opens_the_selected_article(qtbot, window):
    search(qtbot, window, "退款")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.tabs.currentIndex() == TAB_ARTICLE
    assert window.article_view.title.text() == "退款多久到账?"
    assert "1-3个工作日" in window.article_view.browser.toPlainText()


def test_enter_while_the_input_method_is_composing_does_nothing(qtbot, window):
    search(qtbot, window, "退款")
    window.tabs.setCurrentIndex(TAB_BUILDER)
    window.search_box.setFocus()
    QGuiApplication.sendEvent(window.search_box, QInputMethodEvent("fapiao", []))
    assert window.search_box.composing
    with qtbot.assertNotEmitted(window.search_box.submitted):
        qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.tabs.currentIndex() == TAB_BUILDER
    commit = QInputMethodEvent()
    commit.setCommitString("发票")
    QGuiApplication.sendEvent(window.search_box, commit)
    assert not window.search_box.composing
    with qtbot.waitSignal(window.search_box.submitted):
        qtbot.keyClick(window.search_box, Qt.Key.Key_Return)


def test_an_older_search_never_overwrites_a_newer_one(qtbot, window):
    search(qtbot, window, "发票")
    newest = window._search_seq
    window._show_hits(newest - 1, "退款", [])
    assert window.results.current_hit().id == "invoice-open"


def test_section_button_sends_the_section_to_the_builder(qtbot, window):
    window.article_view.show_article(window.workspace.content.article("refund-time"))
    qtbot.mouseClick(window.article_view.buttons["操作步骤"], Qt.MouseButton.LeftButton)
    assert window.tabs.currentIndex() == TAB_BUILDER
    assert "查看退款进度" in window.builder.editor.toPlainText()


def test_pasting_a_complaint_builds_an_empathy_first_draft(qtbot, window):
    builder = window.builder
    builder.message.setPlainText("你们怎么回事!!!退款多次申请都没到账,再不处理我就投诉曝光!")
    with qtbot.waitSignal(builder.editor.textChanged, timeout=15000):
        qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    chips = {
        label.objectName(): label.text()
        for label in builder.findChildren(type(builder.article_label))
        if label.objectName().startswith("chip-")
    }
    assert chips["chip-type"] == "投诉" and chips["chip-priority"] == "高优先级"
    assert (
        "理解" in builder.editor.toPlainText().split("\n")[0] or "抱歉" in builder.editor.toPlainText().split("\n")[0]
    )
    assert "投诉" in builder.findChild(type(builder.article_label), "chip-type").toolTip() or builder.findChild(
        type(builder.article_label), "chip-type"
    ).toolTip().startswith("判断依据")


def test_forbidden_phrase_is_underlined_and_fixed_in_one_action(qtbot, window):
    builder = window.builder
    window.tabs.setCurrentIndex(TAB_BUILDER)
    window.activateWindow()
    with qtbot.waitSignal(builder.draft_checked, timeout=5000):
        builder.editor.setPlainText("这个问题我不知道,您稍等。")
    [finding] = [f for f in builder.editor.findings if f.text == "我不知道"]
    assert finding.level == "error"
    assert any(sel.cursor.selectedText() == "我不知道" for sel in builder.editor.extraSelections())
    cursor = builder.editor.textCursor()
    cursor.setPosition(finding.start + 1)
    builder.editor.setTextCursor(cursor)
    builder.editor.setFocus()
    with qtbot.waitSignal(builder.draft_checked, timeout=5000):
        qtbot.keyClick(builder.editor, Qt.Key.Key_Period, Qt.KeyboardModifier.ControlModifier)
    text = builder.editor.toPlainText()
    assert "我不知道" not in text and text.startswith("这个问题") and text.endswith(",您稍等。")
    assert not [f for f in builder.editor.findings if f.level == "error"]


def test_copy_puts_the_draft_on_the_clipboard(qtbot, window):
    builder = window.builder
    window.tabs.setCurrentIndex(TAB_BUILDER)
    with qtbot.waitSignal(builder.draft_checked, timeout=5000):
        builder.editor.setPlainText("您好,退款审核通过后1-3个工作日原路退回。")
    QGuiApplication.clipboard().clear()
    with qtbot.waitSignal(builder.copied):
        qtbot.mouseClick(builder.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "您好,退款审核通过后1-3个工作日原路退回。"


def test_unfilled_placeholder_stops_the_copy_until_filled_or_overridden(qtbot, window):
    builder = window.builder
    window.tabs.setCurrentIndex(TAB_BUILDER)
    with qtbot.waitSignal(builder.draft_checked, timeout=5000):
        builder.add_script(window.workspace.content.script("s-order"))
    QGuiApplication.clipboard().setText("旧内容")
    assert builder.copy_draft() is False
    assert QGuiApplication.clipboard().text() == "旧内容"
    assert builder.guard.isVisible() and "{订单号}" in builder.guard_label.text()
    edit = builder.fill_edits["订单号"]
    type_text(edit, "2026112200123")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert builder.open_placeholders() == []
    assert builder.copy_draft() is True
    assert "2026112200123" in QGuiApplication.clipboard().text()


def test_override_copies_despite_the_guard(qtbot, window):
    builder = window.builder
    builder.editor.setPlainText("请提供{订单号}")
    assert builder.copy_draft() is False
    assert builder.copy_draft(override=True) is True
    assert QGuiApplication.clipboard().text() == "请提供{订单号}"


def test_ctrl_enter_on_a_script_with_placeholders_goes_to_the_builder(qtbot, window):
    search(qtbot, window, "订单号")
    assert window.results.current_hit().id == "s-order"
    QGuiApplication.clipboard().setText("旧内容")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == TAB_BUILDER
    assert "{订单号}" in window.builder.editor.toPlainText()
    assert QGuiApplication.clipboard().text() == "旧内容"


def test_foreign_customer_gets_the_english_variant(qtbot, window):
    window.builder.audience.setCurrentText("外籍")
    window.builder.add_script(window.workspace.content.script("s-order"))
    assert window.builder.editor.toPlainText().startswith("Could you share")


def test_narrow_side_panel_stacks_and_wide_window_splits(qtbot, window):
    window.resize(420, 900)
    qtbot.waitUntil(lambda: window.splitter.orientation() == Qt.Orientation.Vertical)
    window.resize(1400, 900)
    qtbot.waitUntil(lambda: window.splitter.orientation() == Qt.Orientation.Horizontal)


def test_f1_shows_every_keyboard_path(qtbot, window):
    qtbot.keyClick(window.search_box, Qt.Key.Key_F1)
    assert window.help.isVisible()
    qtbot.keyClick(window.help, Qt.Key.Key_Escape)
    assert not window.help.isVisible()


def test_window_geometry_and_settings_are_saved_under_zhida_home(qtbot, window, zhida_home):
    window.resize(430, 700)
    window.close()
    settings, warning = load_settings(zhida_home)
    assert warning is None and settings.window_geometry


def test_broken_content_is_listed_and_the_rest_still_works(qtbot, make_root, zhida_home):
    root = make_root({"kb/ok.md": article("ok", title="发票怎么开"), "kb/bad.md": "---\nid: [\n---\n"}, name="broken")
    win = MainWindow(root, Settings(), home=zhida_home)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.ready, timeout=30000):
        win.start_loading()
    items = [win.problems_list.item(i).text() for i in range(win.problems_list.count())]
    assert any("错误 · kb/bad.md 第 3 行" in text and "invalid YAML" in text for text in items)
    assert "1 个错误" in win.problems.summary.text()
    assert win.tabs.tabText(TAB_PROBLEMS).startswith("问题 (")
    assert "内容错误" in win.status_label.text()
    search(qtbot, win, "发票")
    assert win.results.current_hit().id == "ok"


def test_article_html_is_sanitized_and_loads_nothing(qtbot, window, make_root):
    from app.core.content.model import Article

    evil = Article(
        id="x",
        title="t",
        path="kb/x.md",
        body="## 结论\n<script>alert(1)</script><img src='http://example.com/a.png'>正文\n",
        sections={"结论": "正文"},
    )
    window.article_view.show_article(evil)
    html = window.article_view.browser.toHtml()
    assert "alert" not in html and "example.com" not in html and "正文" in html


def test_findings_after_an_emoji_underline_the_right_characters(qtbot, window):
    builder = window.builder
    window.tabs.setCurrentIndex(TAB_BUILDER)
    with qtbot.waitSignal(builder.draft_checked, timeout=5000):
        builder.editor.setPlainText("😀😀 这个我不知道")
    [selection] = [sel for sel in builder.editor.extraSelections() if sel.cursor.selectedText() == "我不知道"]
    finding = builder.editor.finding_at(selection.cursor.selectionStart() + 1)
    assert finding is not None and finding.text == "我不知道"


def test_sync_pulls_a_published_article_and_it_becomes_searchable(qtbot, tmp_path, make_root, zhida_home):
    from app.core.sync.engine import init_share, sync

    share = tmp_path / "share"
    share.mkdir()
    init_share(share)
    manager_root = make_root(
        {"kb/new.md": article("new-policy", title="以旧换新补贴怎么领", category="售后维修")}, name="manager"
    )
    report = sync(manager_root, share, publish=True, publisher="manager", home=tmp_path / "manager-home")
    assert report.published
    agent_root = make_root({"kb/old.md": article("old", title="发票怎么开")}, name="agent")
    settings = Settings(shared_folder=str(share))
    win = MainWindow(agent_root, settings, home=zhida_home)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.ready, timeout=30000):
        win.start_loading()
    win.setup_sync()
    with qtbot.waitSignal(win.ready, timeout=30000):
        win.sync_now()
    assert (agent_root / "kb" / "new.md").exists()
    assert "上次同步" in win.sync_button.text()
    search(qtbot, win, "以旧换新")
    assert win.results.current_hit().id == "new-policy"


def _window_with_personal_script(qtbot, content_root: Path, home: Path, title: str, text: str) -> MainWindow:
    """A loaded window whose agent has one personal script with the id a team script already uses."""
    personal = home / "personal" / "scripts_library"
    personal.mkdir(parents=True)
    (personal / "mine.yaml").write_text(
        f"- id: s-empathy\n  title: {title}\n  type: 投诉\n  text: {text}\n", encoding="utf-8"
    )
    win = MainWindow(content_root, Settings(), home=home)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.ready, timeout=30000):
        win.start_loading()
    return win


def test_personal_scripts_show_beside_team_ones_and_a_clash_is_reported(qtbot, content_root, zhida_home):
    win = _window_with_personal_script(qtbot, content_root, zhida_home, "我的共情", "您别着急,我马上帮您处理。")
    tree = win.script_browser.tree
    top = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert top[0] == "个人话术 (1)"
    assert tree.topLevelItem(0).child(0).text(0).startswith("「个人」我的共情")
    assert any("s-empathy" in win.problems_list.item(i).text() for i in range(win.problems_list.count()))
    assert win.workspace.content.script("s-empathy").title == "投诉共情"


def test_a_personal_script_is_found_by_search_badged_and_opened_in_its_group(qtbot, content_root, zhida_home):
    win = _window_with_personal_script(qtbot, content_root, zhida_home, "我的加急安抚", "您别着急,我已为您加急催办。")
    search(qtbot, win, "加急催办")
    hit = win.results.current_hit()
    assert (hit.id, hit.layer) == ("s-empathy", "personal")
    assert "【个人话术】" in hit_html(hit)
    qtbot.keyClick(win.search_box, Qt.Key.Key_Return)
    assert win.tabs.currentIndex() == TAB_SCRIPTS
    chosen = win.script_browser.current_script()
    assert chosen.title == "我的加急安抚"  # the personal one, not the team script with the same id


def test_a_draft_saved_as_a_personal_script_is_browsable_and_searchable_at_once(qtbot, window, zhida_home):
    builder = window.builder
    window.tabs.setCurrentIndex(TAB_BUILDER)
    builder.editor.setPlainText("亲,包裹已经在路上了,明天前送达,请您耐心等待。")
    qtbot.mouseClick(builder.save_button, Qt.MouseButton.LeftButton)
    dialog = window.personal_dialog
    assert dialog.isVisible() and dialog.title_edit.text() == "亲"  # first words, editable
    dialog.title_edit.setText("物流在途安抚")
    dialog.text_edit.setPlainText("亲,包裹已经在路上了,{送达时间}前送达,客户电话13812345678")
    dialog.save()
    assert dialog.isVisible() and "手机号" in dialog.error.text()  # refused, nothing typed is lost
    assert "{送达时间}" in dialog.text_edit.toPlainText()
    dialog.text_edit.setPlainText("亲,包裹已经在路上了,{送达时间}前送达,请您耐心等待。")
    with qtbot.waitSignal(window.personal_indexed, timeout=10000):
        dialog.save()
    assert not dialog.isVisible()
    tree = window.script_browser.tree
    assert tree.topLevelItem(0).text(0) == "个人话术 (1)"
    search(qtbot, window, "在途安抚")
    hit = window.results.current_hit()
    assert hit.layer == "personal" and hit.title == "物流在途安抚"
    saved = (zhida_home / "personal" / "scripts_library" / "我的话术.yaml").read_text(encoding="utf-8")
    assert "{送达时间}" in saved and "13812345678" not in saved


def test_training_scores_a_reply_with_reasons_and_better_phrasing(qtbot, zhida_home):
    window = MainWindow(bundled_content_root(), Settings(), home=zhida_home)  # the drills' articles and scripts
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.ready, timeout=60000):
        window.start_loading()
    training = window.training
    window.tabs.setCurrentIndex(TAB_TRAINING)
    assert training.drills, "the bundled drills load in the 练习 tab"
    complaint = next(d for d in training.drills if d.type == "投诉")
    training.select_drill(complaint.id)
    assert training.customer.text() == complaint.message
    training.reply.setFocus()
    type_text(training.reply, "我不知道,你自己看说明。")
    with qtbot.waitSignal(training.scored, timeout=10000):
        qtbot.keyClick(training.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    score = training.score
    assert score.total < 40 and score.grade == "需加强"
    shown = training.result.toPlainText()
    assert f"{score.total} 分" in shown and "更好的说法" in shown and "参考答案" in shown
    training.try_again()
    assert training.reply.toPlainText() == "" and training.result.toPlainText() == ""
    training.reply.setPlainText(score.model_answer)
    with qtbot.waitSignal(training.scored, timeout=10000):
        qtbot.mouseClick(training.submit_button, Qt.MouseButton.LeftButton)
    assert training.score.total >= 90


def test_a_new_hire_starts_on_the_training_tab_with_the_search_box_focused(qtbot, content_root, zhida_home):
    win = MainWindow(content_root, Settings(role="新人"), home=zhida_home)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.ready, timeout=30000):
        win.start_loading()
    assert win.tabs.currentIndex() == TAB_TRAINING
    assert win.search_box.hasFocus()
