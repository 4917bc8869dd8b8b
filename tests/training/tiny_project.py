"""A tiny Rasa project (3 intents x 8 examples, fast classifier, frozen held-out set) for pipeline tests."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = {
    "greet": ["xin chào", "chào bạn", "chào bot", "alo", "chào em", "xin chào ạ", "hello", "chào buổi sáng"],
    "ask_fee": ["lệ phí bao nhiêu", "mất bao nhiêu tiền", "phí làm hết bao nhiêu", "tốn bao nhiêu tiền",
                "có mất phí không", "lệ phí là bao nhiêu ạ", "nộp bao nhiêu tiền", "phí bao nhiêu vậy"],
    "ask_time": ["mất bao lâu", "bao nhiêu ngày thì có", "mấy ngày có kết quả", "thời gian giải quyết bao lâu",
                 "bao lâu thì xong", "khi nào có kết quả", "chờ mấy ngày", "mấy hôm thì lấy được"],
}

# The frozen held-out set of the tiny project: never among EXAMPLES.
HELDOUT = {
    "greet": ["chào trợ lý", "xin chào bạn nhé"],
    "ask_fee": ["lệ phí hết bao nhiêu tiền vậy", "có phải đóng tiền không"],
    "ask_time": ["bao nhiêu lâu thì có kết quả", "mấy ngày thì xong việc"],
}

DOMAIN = """version: "3.1"
intents:
  - greet
  - ask_fee
  - ask_time
responses:
  utter_greet:
    - text: "Xin chào"
  utter_fee:
    - text: "Phí"
  utter_time:
    - text: "Thời gian"
session_config:
  session_expiration_time: 60
  carry_over_slots_to_new_session: true
"""

CONFIG = """recipe: default.v1
language: vi
assistant_id: tiny-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 3
  - name: LogisticRegressionClassifier
    max_iter: 100
policies:
  - name: RulePolicy
"""

RULES = """version: "3.1"
rules:
  - rule: greet
    steps:
      - intent: greet
      - action: utter_greet
  - rule: fee
    steps:
      - intent: ask_fee
      - action: utter_fee
  - rule: time
    steps:
      - intent: ask_time
      - action: utter_time
"""


def nlu_yaml(examples: dict[str, list[str]]) -> str:
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in examples.items():
        lines.append(f"  - intent: {intent}")
        lines.append("    examples: |")
        lines += [f"      - {t}" for t in texts]
    return "\n".join(lines) + "\n"


def write_tiny_project(root: Path) -> Path:
    (root / "data" / "nlu" / "generated").mkdir(parents=True, exist_ok=True)
    (root / "data" / "rules").mkdir(parents=True, exist_ok=True)
    (root / "models").mkdir(exist_ok=True)
    (root / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (root / "config.yml").write_text(CONFIG, encoding="utf-8")
    (root / "data" / "rules" / "rules.yml").write_text(RULES, encoding="utf-8")
    (root / "data" / "nlu" / "basics.yml").write_text(nlu_yaml(EXAMPLES), encoding="utf-8")
    # Like the real project: a README beside the generated files, which Rasa's loader must never get.
    (root / "data" / "nlu" / "generated" / "README.md").write_text("# Generated NLU data\n", encoding="utf-8")
    (root / "eval").mkdir(exist_ok=True)
    (root / "eval" / "nlu-heldout.yml").write_text(nlu_yaml(HELDOUT), encoding="utf-8")
    return root
