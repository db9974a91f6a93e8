"""The shipped Level 1 question pools meet the item-writing rules the course promises.

The test reads the files themselves (GIFT pools, hotspots.json, module.md, course.md), so a
question added later that breaks a rule fails here before any trainee sees it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import frontmatter
import yaml

from quizzes.gift import parse_gift
from quizzes.spec import QuestionType

COURSE = Path(__file__).resolve().parents[2] / "modules" / "content" / "dry-needling-level-1"
TAG = re.compile(r"^//\s*\[tag:([^\]]+)\]\s*$")
TITLE = re.compile(r"^::(.+?)::")
CHARTS = {"front", "back", "neck-shoulder", "lumbar-gluteal", "lower-limb"}
ABSOLUTES = re.compile(r"\b(always|never|all|none|only|every|entirely|completely|guaranteed?)\b", re.I)
CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE)


def module_dirs() -> list[Path]:
    return sorted(p for p in COURSE.iterdir() if (p / "module.md").is_file())


def objective_ids(module_dir: Path) -> list[str]:
    return [item["id"] for item in frontmatter.load(module_dir / "module.md").metadata["objectives"]]


def tags_by_title(text: str) -> dict[str, list[str]]:
    """The ``// [tag:...]`` lines directly above each question, keyed by the question's title."""
    tags: dict[str, list[str]] = {}
    pending: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        match = TAG.match(stripped)
        if match:
            pending.append(match.group(1))
            continue
        title = TITLE.match(stripped)
        if title:
            tags[title.group(1).replace("\\", "")] = pending
        if stripped and not stripped.startswith("//") or title:
            pending = []
    return tags


def load_pool(module_dir: Path):
    text = (module_dir / "questions.gift").read_text(encoding="utf-8")
    questions = parse_gift(text)
    tags = tags_by_title(text)
    return [(q, tags.get(q.title, [])) for q in questions]


def all_questions():
    return [(d, q, tags) for d in module_dirs() for q, tags in load_pool(d)]


def hotspots() -> list[tuple[Path, dict]]:
    return [(d, h) for d in module_dirs() if (d / "hotspots.json").is_file()
            for h in json.loads((d / "hotspots.json").read_text(encoding="utf-8"))]


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def test_pools_hold_at_least_150_questions_and_12_hotspots():
    assert len(all_questions()) >= 150
    assert len(hotspots()) >= 12


def test_every_question_names_objectives_of_its_own_module():
    for module_dir, question, tags in all_questions():
        ids = [t.split(":", 1)[1] for t in tags if t.startswith("objective:")]
        assert ids, f"{module_dir.name}: {question.title} names no objective"
        assert set(ids) <= set(objective_ids(module_dir)), f"{module_dir.name}: {question.title}"


def test_every_objective_is_examined_by_three_or_more_questions():
    counts: Counter = Counter()
    for module_dir, _, tags in all_questions():
        counts.update((module_dir.name, t.split(":", 1)[1]) for t in tags if t.startswith("objective:"))
    for module_dir, spot in hotspots():
        counts.update((module_dir.name, o) for o in spot["objectives"])
    for module_dir in module_dirs():
        for objective in objective_ids(module_dir):
            assert counts[(module_dir.name, objective)] >= 3, (module_dir.name, objective)


def test_module_quizzes_draw_by_objective_and_the_final_exam_covers_every_module():
    for module_dir in module_dirs():
        meta = frontmatter.load(module_dir / "module.md").metadata
        ids = objective_ids(module_dir)
        assert len(ids) == len(set(ids)), module_dir.name
        quiz = meta["quiz"]
        assert quiz.get("per_objective", 0) >= 1 or set(quiz.get("blueprint", {})) == set(ids)
        if "draw_count" in quiz:
            assert quiz["draw_count"] == quiz["per_objective"] * len(ids), module_dir.name
    exam = frontmatter.load(COURSE / "course.md").metadata["final_exam"]
    assert exam["per_objective"] >= 1 and 1 <= exam["pass_mark"] <= 100
    assert exam["attempts_allowed"] >= 1 and exam["time_limit_minutes"] >= 30


def test_at_least_40_percent_are_clinical_vignettes():
    vignettes = [(q, d) for d, q, tags in all_questions() if "vignette" in tags]
    assert len(vignettes) / len(all_questions()) >= 0.40
    for question, module_dir in vignettes:
        # a vignette describes a patient and asks for a decision, so it is more than a one-liner
        assert words(question.prompt) >= 18, f"{module_dir.name}: {question.title}"


def test_no_two_questions_share_a_stem():
    stems = [re.sub(r"\W+", " ", q.prompt).strip().lower() for _, q, _ in all_questions()]
    stems += [re.sub(r"\W+", " ", h["prompt"]).strip().lower() for _, h in hotspots()]
    duplicates = [s for s, n in Counter(stems).items() if n > 1]
    assert not duplicates


def test_single_answer_keys_vary_in_position_and_are_seldom_the_longest():
    singles = [q for _, q, _ in all_questions() if q.qtype == QuestionType.SINGLE]
    positions = Counter(next(i for i, c in enumerate(q.choices) if c.fraction == 1) for q in singles)
    assert len(positions) >= 4
    assert max(positions.values()) / len(singles) <= 0.35
    def key_is_longest(q) -> bool:
        key = next(c.text for c in q.choices if c.fraction == 1)
        return len(key) > max(len(c.text) for c in q.choices if c.fraction < 1)

    longest = sum(key_is_longest(q) for q in singles)
    assert longest / len(singles) <= 0.40


def test_multiple_response_questions_vary_the_number_of_correct_options():
    multiples = [q for _, q, _ in all_questions() if q.qtype == QuestionType.MULTIPLE]
    assert len(multiples) >= 12
    correct_counts = Counter(sum(c.fraction > 0 for c in q.choices) for q in multiples)
    assert len(correct_counts) >= 3
    for question in multiples:
        assert any(c.fraction < 0 for c in question.choices), f"{question.title} has no distractor"


def test_true_false_is_balanced_and_free_of_absolute_giveaways():
    statements = [q for _, q, _ in all_questions() if q.qtype == QuestionType.TRUE_FALSE]
    assert len(statements) >= 16
    true_share = sum(q.choices[0].fraction == 1 for q in statements) / len(statements)
    assert 0.4 <= true_share <= 0.6
    for question in statements:
        assert not ABSOLUTES.search(question.prompt), question.title


def test_every_option_has_feedback_that_teaches():
    for _, question, _ in all_questions():
        if question.qtype in CHOICE_TYPES:
            for choice in question.choices:
                assert words(choice.feedback) >= 5, f"{question.title}: '{choice.text}'"
        else:
            assert words(question.general_feedback) >= 12, question.title


def test_hotspot_questions_are_well_formed():
    for module_dir, spot in hotspots():
        assert spot["chart"] in CHARTS and spot["points"] == 1
        assert set(spot["objectives"]) <= set(objective_ids(module_dir)) and spot["objectives"]
        assert words(spot["feedback"]) >= 12 and spot["prompt"].strip() and spot["name"].strip()
        weights = [zone["weight"] for zone in spot["zones"]]
        assert 1 <= spot["max_marks"] <= len(spot["zones"])
        assert any(w > 0 for w in weights) and all(-100 <= w <= 100 for w in weights)
        for zone in spot["zones"]:
            if zone["shape"] == "circle":
                assert 0 <= zone["cx"] <= 100 and 0 <= zone["cy"] <= 100 and 0 < zone["r"] <= 50
            else:
                assert zone["shape"] == "polygon" and len(zone["points"]) >= 3
                assert all(0 <= x <= 100 and 0 <= y <= 100 for x, y in zone["points"])


def test_technique_pages_carry_every_element_and_a_described_diagram():
    headings = ["Patient position", "Landmarks and palpation", "Needle", "Direction and angle",
                "Depth against the danger structure", "Danger structures", "Referral pattern",
                "Common clinical presentations", "Aftercare and exercise", "Sources"]
    pages = sorted(COURSE.glob("0[78]-*/[0-9][0-9]-*.md"))
    assert len(pages) >= 24
    for page in pages:
        body = frontmatter.load(page).content
        assert re.findall(r"^## (.+)$", body, flags=re.MULTILINE) == headings, page.name
        figure = re.search(r"!\[([^\]]{40,})\]\(figures/([a-z0-9-]+\.svg) \"[^\"]+\"\)", body)
        assert figure, page.name
        svg = (COURSE / "figures" / figure.group(2)).read_text(encoding="utf-8")
        assert "<title" in svg and "<desc" in svg
        assert not re.search(r"<script|foreignObject|href=|on\w+=", svg), figure.group(2)


def test_lessons_cite_full_references_and_no_internal_notes():
    for page in sorted(COURSE.glob("0*/[0-9][0-9]-*.md")):
        body = frontmatter.load(page).content
        sources = body.split("\n## Sources\n", 1)[1]
        assert not re.search(r"seed|domain facts|second-hand|verify against|project", sources, re.I), page.name
        for line in (s for s in sources.splitlines() if s.startswith("- ")):
            assert re.search(r"\b(19|20)\d\d\b", line), f"{page.name}: {line}"
        assert "cited second-hand" not in body, page.name


def test_the_practical_rubric_assesses_every_technique_page_and_the_safety_skills():
    rubric = yaml.safe_load((COURSE / "rubric.yaml").read_text(encoding="utf-8"))
    skills = rubric["skills"]
    assert len({s["key"] for s in skills}) == len(skills)
    assert all(s["criteria"] and s["required"] is True for s in skills)
    general = {s["key"] for s in skills if not s["region"]}
    assert {"clean-needle-technique-and-hand-hygiene", "needle-selection-depth-and-angle",
            "sharps-handling-and-disposal", "recognition-and-management-of-adverse-events"} <= general
    regional = " ".join(s["title"] for s in skills if s["region"]).lower()
    for page in sorted(COURSE.glob("0[78]-*/[0-9][0-9]-*.md")):
        title = frontmatter.load(page).metadata["title"].lower()
        missing = [w for w in re.findall(r"[a-z]+", title) if len(w) > 3 and w not in regional]
        assert not missing, f"{page.name}: no practical skill assesses {missing}"
