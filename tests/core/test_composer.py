"""The answer builder: per-type drafts from articles and scripts, placeholders and the copy guard,
audience and channel, and the checker's findings carried by every draft."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.compose.composer import compose, edit_slot, fill
from app.core.compose.model import draft_to_dict
from app.core.compose.overlap import OverlapSearcher
from app.core.compose.session import CopyRefused, ReplySession
from app.core.content.loader import load_content
from tests.conftest import article

SCRIPTS = """\
- id: s-empathy
  title: 投诉共情
  type: 投诉
  stage: 共情
  text: "您的心情我完全理解,我们一定给您一个满意的答复。"
  variants:
    en: "I completely understand how you feel."
- id: s-empathy-familiar
  title: 亲切共情
  type: 投诉
  stage: 共情
  tags: [情绪安抚]
  text: "亲,别着急,我们马上处理。"
- id: s-verify
  title: 核实订单
  type: 投诉
  stage: 核实
  text: "跟您确认一下,您的订单{订单号}是昨天签收的,对吗?"
  variants:
    en: "May I confirm that order {订单号} was signed for yesterday?"
- id: s-compensate
  title: 补偿
  type: 投诉
  stage: 方案
  tags: [补偿]
  text: "我们为您申请换货,并补偿{优惠券金额}元优惠券。"
- id: s-promise
  title: 约定反馈时间
  type: 投诉
  stage: 跟进
  tags: [约定反馈时间]
  text: "我会在{反馈时间}前给您回复处理结果。"
- id: s-fault-scope
  title: 故障致歉
  type: 故障
  stage: 致歉
  tags: [影响范围]
  text: "非常抱歉,目前{故障范围}出现异常,部分用户暂时无法正常使用。"
- id: s-fault-workaround
  title: 临时方案
  type: 故障
  stage: 方案
  tags: [临时方案]
  text: "在修复完成前,您可以先通过官网下单。"
- id: s-open-email
  title: 邮件开头
  type: 通用
  stage: 开场
  channels: [邮件]
  text: "尊敬的{客户称呼}:您好!"
- id: s-guide-elderly
  title: 老年指引
  type: 通用
  stage: 指引
  tags: [老年, 密码]
  text: "您不用着急,改密码我一步一步告诉您。"
"""

INQUIRY_BODY = """\
## 结论
您可以在APP【我的-设置-账户安全】中修改密码,验证手机号后即可设置新密码。

## 说明
新密码需为8-20位,同时包含字母和数字。修改成功后其他设备会退出,请提前告知客户。

## 操作步骤
1. 打开APP,进入【我的-设置】。
2. 请客户报出绑定手机号后四位。
3. 点击【账户安全-登录密码】,按提示完成验证。
"""


@pytest.fixture
def root(make_root) -> Path:
    return make_root(
        {
            "kb/password.md": article(
                "acct-change-password",
                title="如何修改登录密码?",
                body=INQUIRY_BODY,
                similar="[密码怎么改, 修改密码]",
                tags="[密码]",
            ),
            "kb/refund.md": article("refund-time", title="退款多久到账?", similar="[钱什么时候退回来]"),
            "kb/outage.md": article(
                "app-outage",
                title="APP打不开怎么办?",
                type="故障",
                body="## 结论\n非常抱歉,APP部分页面暂时打不开,技术人员正在修复。\n",
            ),
            "scripts_library/scripts.yaml": SCRIPTS,
        }
    )


@pytest.fixture
def content(root: Path):
    loaded = load_content(root)
    assert loaded.errors == []
    return loaded


def names(draft) -> list[str]:
    return [s.name for s in draft.slots]


def test_complaint_draft_opens_with_empathy_and_promises_a_feedback_time(content) -> None:
    draft = compose("你们发错货了,我要投诉!!!", content)
    assert draft.triage.type == "投诉"
    assert names(draft) == ["共情", "核实", "补偿方案", "约定反馈时间", "服务闭环"]
    assert draft.slots[0].source.startswith("script:s-empathy")
    assert draft.text.startswith(draft.slots[0].text)
    assert "{反馈时间}" in draft.slot("约定反馈时间").text
    assert "补偿" in draft.slot("补偿方案").text
    assert draft.text.rstrip().endswith("您的问题是否已解决?还有其他需求吗?")


def test_angry_customer_gets_the_soothing_empathy_script(content) -> None:
    draft = compose("你们发错货了,我要投诉!!!", content)
    assert draft.triage.emotion == "angry"
    assert draft.slot("共情").source == "script:s-empathy-familiar"
    # The template's own fallback says the same as s-empathy, so it is offered once.
    assert [a.source for a in draft.slot("共情").alternatives] == ["script:s-empathy"]


def test_inquiry_is_the_three_steps_from_the_article_sections(content) -> None:
    draft = compose("密码怎么改?", content)
    assert draft.triage.type == "咨询"
    assert draft.article is not None and draft.article.id == "acct-change-password"
    assert draft.article_via == "overlap"
    assert names(draft)[:3] == ["结论", "说明", "操作指引"]
    assert [s.source for s in draft.slots[:3]] == [
        "article:acct-change-password#结论",
        "article:acct-change-password#说明",
        "article:acct-change-password#操作步骤",
    ]
    assert draft.slot("结论").text.startswith("您可以在APP【我的-设置-账户安全】中修改密码")
    assert "8-20位" in draft.slot("说明").text


def test_notes_for_the_agent_are_left_out_of_the_reply(content) -> None:
    draft = compose("密码怎么改?", content, article_id="acct-change-password")
    assert "客户" not in draft.text
    assert (
        draft.slot("操作指引").text == "1. 打开APP,进入【我的-设置】。\n2. 点击【账户安全-登录密码】,按提示完成验证。"
    )


def test_fault_draft_apologises_with_impact_recovery_time_and_workaround(content) -> None:
    draft = compose("登录页面一直报错", content, article_id=None)
    assert draft.triage.type == "故障"
    assert names(draft)[:3] == ["致歉与影响范围", "预计恢复", "临时方案"]
    assert "抱歉" in draft.slot("致歉与影响范围").text
    assert "{故障范围}" in draft.slot("致歉与影响范围").text
    assert "预计{预计时间}恢复" in draft.slot("预计恢复").text
    assert draft.slot("临时方案").source == "script:s-fault-workaround"


def test_fault_with_a_fault_article_leads_with_the_articles_conclusion(content) -> None:
    draft = compose("APP打不开", content)
    assert draft.article is not None and draft.article.id == "app-outage"
    assert draft.slot("致歉与影响范围").source == "article:app-outage#结论"
    assert "script:s-fault-scope" in [a.source for a in draft.slot("致歉与影响范围").alternatives]


def test_message_without_type_cues_takes_the_articles_type(content) -> None:
    draft = compose("你好", content, article_id="app-outage")
    assert draft.triage.type == "故障"
    assert any(c.field == "type" and "app-outage" in c.reason for c in draft.triage.cues)


def test_suggestion_thanks_records_and_follows_up(content) -> None:
    draft = compose("建议增加夜间客服", content)
    assert names(draft) == ["感谢", "记录与流转", "跟进", "服务闭环"]
    assert "感谢" in draft.slot("感谢").text


def test_placeholders_are_collected_once_in_order(content) -> None:
    draft = compose("你们发错货了,我要投诉", content)
    assert list(draft.placeholders) == ["订单号", "优惠券金额", "反馈时间"]


def test_draft_with_an_open_placeholder_cannot_be_copied_by_accident(content) -> None:
    draft = compose("你们发错货了,我要投诉", content)
    session = ReplySession()
    session.start(draft)
    assert session.copy_blockers(session.fill(draft.text)).blocked
    session.start(draft, {"订单号": "1001", "优惠券金额": "10", "反馈时间": "  "})
    assert session.copy_blockers(session.fill(draft.text)).blocked
    session.start(draft, {"订单号": "1001"})
    assert list(session.copy_blockers(session.fill(draft.text)).placeholders) == ["优惠券金额", "反馈时间"]
    with pytest.raises(CopyRefused) as refused:
        session.copy_text(session.fill(draft.text))
    assert list(refused.value.blockers.placeholders) == ["优惠券金额", "反馈时间"]
    assert not session.copy_blockers(draft.text).empty
    assert "{反馈时间}" in session.copy_text(draft.text, override=True)


def test_filled_draft_copies_with_the_values_substituted(content) -> None:
    draft = compose("你们发错货了,我要投诉", content)
    values = {"订单号": "1001", "优惠券金额": "10", "反馈时间": "今天18:00"}
    session = ReplySession()
    session.start(draft, values)
    assert not session.copy_blockers(session.fill(draft.text)).blocked
    copied = session.copy_text(session.fill(draft.text))
    assert "订单1001" in copied and "10元优惠券" in copied and "今天18:00前" in copied
    assert "{" not in copied
    assert fill("请提供{订单号}与{未知}", {"订单号": "1"}) == "请提供1与{未知}"


def test_english_speaking_customer_gets_english_variants_and_no_qin(content) -> None:
    draft = compose("你们发错货了,我要投诉!!!", content, audience="外籍")
    assert "亲" not in draft.text and "宝" not in draft.text
    assert draft.slot("共情").text == "I completely understand how you feel."
    assert draft.slot("共情").source == "script:s-empathy@en"
    assert draft.text.rstrip().endswith("Is there anything else I can help you with?")
    for slot in draft.slots:
        assert all("亲" not in a.text for a in slot.alternatives)


def test_elderly_customer_hears_the_key_fact_twice_in_short_sentences(content) -> None:
    draft = compose("密码怎么改?", content, audience="老年")
    repeat = draft.slot("重复要点")
    assert repeat is not None and repeat.text.startswith("再说一遍:")
    fact = repeat.text[len("再说一遍:") :]
    assert draft.text.count(fact) == 2
    assert names(draft)[-2:] == ["重复要点", "服务闭环"]
    assert draft.slot("说明").text.startswith("新密码需为8-20位。同时包含字母和数字。")


def test_scripts_for_one_audience_are_not_offered_to_others(content) -> None:
    everyone = compose("密码怎么改?", content)
    assert all("s-guide-elderly" not in a.source for s in everyone.slots for a in s.alternatives)
    elderly = compose("密码怎么改?", content, audience="老年")
    assert "script:s-guide-elderly" in [a.source for a in elderly.slot("操作指引").alternatives]


def test_phone_reply_reads_menu_paths_and_steps_aloud(content) -> None:
    draft = compose("密码怎么改?", content, channel="电话")
    assert "【" not in draft.text and "\n1." not in draft.text
    assert "“我的”、“设置”、“账户安全”" in draft.slot("结论").text
    assert draft.slot("操作指引").text.startswith("第一步,打开APP")
    assert "第二步," in draft.slot("操作指引").text


def test_email_reply_opens_with_a_greeting_and_chat_does_not(content) -> None:
    email = compose("密码怎么改?", content, channel="邮件")
    assert names(email)[0] == "问候" and email.text.startswith("尊敬的{客户称呼}:您好!\n\n")
    chat = compose("密码怎么改?", content)
    assert chat.slot("问候") is None and chat.text.startswith("您可以在APP")


def test_agent_picks_an_alternative_and_the_draft_is_rebuilt(content) -> None:
    draft = compose("你们发错货了,我要投诉!!!", content)
    other = draft.slot("共情").alternatives[0]
    edited = edit_slot(draft, "共情", other.text)
    assert edited.slot("共情").source == other.source
    assert edited.text.startswith(other.text)
    assert draft.slot("共情").text in [a.text for a in edited.slot("共情").alternatives]
    own = edit_slot(edited, "核实", "请您提供订单号{订单号}。")
    assert own.slot("核实").source == "edited"
    assert own.placeholders[0] == "订单号"


def test_given_article_is_used_and_unknown_one_is_refused(content) -> None:
    draft = compose("你好", content, article_id="refund-time")
    assert draft.article is not None and draft.article.id == "refund-time" and draft.article_via == "given"
    with pytest.raises(KeyError):
        compose("你好", content, article_id="no-such-article")


def test_overlap_search_matches_traditional_similar_questions(content) -> None:
    hits = OverlapSearcher(content).search("錢什麼時候退回來", kind="article")
    assert hits and hits[0].id == "refund-time"
    assert OverlapSearcher(content).search("天气不错", kind="article") == []


def test_json_form_has_exactly_the_documented_keys(content) -> None:
    data = draft_to_dict(compose("你们发错货了,我要投诉", content))
    assert set(data) == {"triage", "article", "slots", "text", "placeholders", "findings", "choice", "facts"}
    assert set(data["triage"]) == {"type", "priority", "emotion", "cues"}
    assert all(set(s) == {"name", "text", "source", "alternatives"} for s in data["slots"])
    assert data["placeholders"] == ["订单号", "优惠券金额", "反馈时间"]


def test_section_written_only_for_the_agent_is_never_sent_by_default(make_root) -> None:
    body = "## 结论\n退款1-3个工作日到账。\n\n## 操作步骤\n1. 请客户提供订单号。\n2. 在工单系统中查询客户的退款流水。\n"
    content = load_content(make_root({"kb/a.md": article("refund-time", body=body)}))
    draft = compose("退款多久到账?", content, article_id="refund-time")
    guide = draft.slot("操作指引")
    assert guide.text == "" and "客户" not in draft.text
    assert guide.alternatives[0].source == "article:refund-time#操作步骤 (坐席提示)"


PARCEL_SCRIPTS = """\
- id: s-empathy-refund-slow
  title: 退款未到账共情
  type: 投诉
  stage: 共情
  tags: [退款]
  shortcut: tkgq
  text: "退款{退款金额}元一直没到账,换作谁都会担心,我先帮您查一下这笔退款。"
- id: s-empathy-plain
  title: 投诉共情
  type: 投诉
  stage: 共情
  text: "您的心情我完全理解,我们一定给您一个满意的答复。"
- id: s-verify-damage-photo
  title: 破损拍照核实
  type: 投诉
  stage: 核实
  tags: [破损]
  shortcut: pzhs
  text: "麻烦您拍一下商品破损处和外包装的照片发给我,包括快递面单。"
- id: s-verify-logistics
  title: 物流核实
  type: 投诉
  stage: 核实
  tags: [物流]
  text: "我已查到物流单号{物流单号}的最新记录,会立即联系物流核实包裹位置。"
"""


def test_scripts_for_another_situation_are_not_picked_for_a_late_parcel(make_root) -> None:
    # 还没到 (a parcel) and 没到账 (a refund) share characters, not a situation; the article's own
    # questions and tags (物流, 包裹) say what the complaint is about.
    content = load_content(
        make_root(
            {
                "kb/tracking.md": article(
                    "ship-tracking",
                    title="物流信息很久不更新怎么办?",
                    type="故障",
                    tags="[物流, 丢件]",
                    similar="[快递咋还没到, 包裹卡在中转站了]",
                ),
                "kb/refund.md": article("refund-time", title="退款多久到账?", tags="[退款]"),
                "kb/damaged.md": article("damaged", title="收到商品破损怎么办?", tags="[破损]"),
                "scripts_library/scripts.yaml": PARCEL_SCRIPTS,
            }
        )
    )
    draft = compose("快递三天了还没到,怎么回事", content, article_id="ship-tracking")
    assert draft.triage.type == "投诉"
    assert draft.slot("共情").source == "script:s-empathy-plain"
    assert draft.slot("核实").source == "script:s-verify-logistics"


def test_the_article_is_found_by_what_the_complaint_is_about_not_by_the_word_complaint(make_root) -> None:
    content = load_content(
        make_root(
            {
                "kb/rejected.md": article(
                    "refund-rejected",
                    title="退款被拒,客户投诉怎么处理?",
                    type="投诉",
                    similar="[我要投诉你们不给退款, 投诉退款]",
                ),
                "kb/wrong.md": article("wrong-item", title="发错货了怎么办?", type="投诉", similar="[收到的颜色不对]"),
                "scripts_library/scripts.yaml": PARCEL_SCRIPTS,
            }
        )
    )
    draft = compose("颜色不对,我要投诉", content)
    assert draft.triage.type == "投诉"
    assert draft.article.id == "wrong-item"
