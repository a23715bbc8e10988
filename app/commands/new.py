"""`zhida new article|script`: create an item with a pinyin-slug id, the section template and the review rules."""

from __future__ import annotations

import argparse
import datetime as _dt
from pathlib import Path

from app.commands.common import CommandError, add_content_option, content_root, print_json
from app.core.authoring.forms import ArticleForm, ScriptForm, new_article_text, script_file_text
from app.core.authoring.library import file_for_stage, folder_for_category, taken_ids
from app.core.authoring.review import ReviewError
from app.core.authoring.slugs import derive_id
from app.core.authoring.workflow import Authoring, OutsideEdit, PathRefused
from app.core.content.loader import load_content
from app.core.settings import load_settings
from app.core.vocab import ARTICLE_TYPES, DRAFT, GENERAL_TYPE, INQUIRY, PUBLISHED, SCRIPT_TYPES


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `new` subcommand."""
    parser = sub.add_parser("new", help="create an article or a script (id from the title's pinyin)")
    parser.add_argument("kind", choices=["article", "script"], help="what to create")
    parser.add_argument("--title", required=True, help="the title (the article's question)")
    parser.add_argument("--id", help="the id (default: pinyin slug of the title, made unique)")
    parser.add_argument("--category", default="", help="article: category (folder chosen from it)")
    parser.add_argument("--type", help="咨询 | 投诉 | 建议 | 故障 (scripts also 通用)")
    parser.add_argument("--similar", action="append", default=[], metavar="Q", help="article: a 相似问法 (repeat)")
    parser.add_argument("--tag", action="append", default=[], help="a tag (repeat)")
    parser.add_argument("--owner", default="", help="article: who answers for it (verification)")
    parser.add_argument("--review-by", default="", metavar="DATE", help="article: review-by date, e.g. 2027-04-01")
    parser.add_argument("--body", default="", help="article: Markdown body (default: the four section headings)")
    parser.add_argument("--publish", action="store_true", help="article: status published (with review on: proposed)")
    parser.add_argument("--text", default="", help="script: the text")
    parser.add_argument("--stage", default="", help="script: stage (开场, 共情, 核实 …)")
    parser.add_argument("--shortcut", default="", help="script: short key")
    parser.add_argument("--file", help="script: the scripts_library file to add it to (default: by stage)")
    parser.add_argument("--shared", metavar="DIR", help="the team share (review settings); default: from settings")
    add_content_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Create the item; exit 1 with one line for a bad input or a taken id."""
    root = content_root(args)
    content = load_content(root)
    taken = taken_ids(content)
    title = args.title.strip()
    if not title:
        raise CommandError("--title is empty / 标题不能为空")
    if args.id and args.id in taken:
        raise CommandError(f"id '{args.id}' is already used / 该 id 已被占用")
    settings, _ = load_settings()
    shared = args.shared or settings.shared_folder
    authoring = Authoring(root, share=Path(shared).expanduser() if shared else None)
    if args.kind == "article":
        kind_type = ARTICLE_TYPES.normalize(args.type or INQUIRY)
        if kind_type is None:
            raise CommandError(f"unknown type '{args.type}': use one of {' / '.join(ARTICLE_TYPES)}")
        item_id = args.id or derive_id(title, taken)
        if args.review_by:
            try:
                _dt.date.fromisoformat(args.review_by)
            except ValueError:
                raise CommandError(f"--review-by '{args.review_by}' is not a date like 2027-04-01") from None
        form = ArticleForm(
            id=item_id,
            title=title,
            category=args.category.strip(),
            type=kind_type,
            tags=[t for t in args.tag if t.strip()],
            similar=[s.strip() for s in args.similar if s.strip()],
            owner=args.owner.strip(),
            review_by=args.review_by,
            status=PUBLISHED if args.publish else DRAFT,
            body=args.body.replace("\\n", "\n"),
        )
        rel = f"{folder_for_category(content, form.category)}/{item_id}.md"
        if (root / rel).exists():
            raise CommandError(f"{rel}: file exists / 文件已存在")
        text = new_article_text(form)
        expected = None
    else:
        if not args.text.strip():
            raise CommandError("--text is needed for a script / 话术需要正文")
        kind_type = SCRIPT_TYPES.normalize(args.type or GENERAL_TYPE)
        if kind_type is None:
            raise CommandError(f"unknown type '{args.type}': use one of {' / '.join(SCRIPT_TYPES)}")
        shortcuts = {s.shortcut for s in content.scripts if s.shortcut}
        if args.shortcut and args.shortcut in shortcuts:
            raise CommandError(f"shortcut '{args.shortcut}' is already used / 快捷键已被占用")
        item_id = args.id or derive_id(title, taken, prefix="s-")
        script = ScriptForm(
            id=item_id,
            title=title,
            text=args.text,
            type=kind_type,
            stage=args.stage.strip(),
            tags=[t for t in args.tag if t.strip()],
            shortcut=args.shortcut.strip(),
        )
        rel = (args.file or file_for_stage(content, script.stage)).replace("\\", "/")
        try:
            original, expected = authoring.read(rel)
        except PathRefused as exc:
            raise CommandError(str(exc)) from None
        text = script_file_text(script, original or "", None)
    try:
        result = authoring.save(rel, text, expected, note="zhida new")
    except (OutsideEdit, PathRefused, ReviewError) as exc:
        raise CommandError(str(exc)) from None
    revision = result.revision.id if result.revision else None
    if args.json:
        print_json({"id": item_id, "path": rel, "kind": args.kind, "result": result.kind, "revision": revision})
    else:
        print(f"created {args.kind} {item_id} in {rel}" + (f" (pending review: {revision})" if revision else ""))
    return 0
