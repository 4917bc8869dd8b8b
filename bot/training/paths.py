"""Where the trainer pipeline reads and writes, relative to a project root (tests use a tiny one)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import PROJECT_ROOT

DEFAULT_EVAL_QUESTIONS = PROJECT_ROOT.parent / "shared" / "data" / "eval" / "citizen-questions-dev.jsonl"
SERVED_MODEL_NAME = "current.tar.gz"  # what deploy/ starts Rasa with: `--model models/current.tar.gz`


@dataclass(frozen=True)
class ProjectPaths:
    """The Rasa project files and the pipeline's outputs."""

    root: Path = PROJECT_ROOT
    eval_questions: tuple[Path, ...] = field(default_factory=tuple)

    @property
    def domain(self) -> Path:
        return self.root / "domain.yml"

    @property
    def config(self) -> Path:
        return self.root / "config.yml"

    @property
    def nlu_dir(self) -> Path:
        return self.root / "data" / "nlu"

    @property
    def generated_dir(self) -> Path:
        return self.nlu_dir / "generated"

    @property
    def heldout(self) -> Path:
        """The frozen held-out NLU set (eval/README.md): never trained on, scores old and new model."""
        return self.root / "eval" / "nlu-heldout.yml"

    @property
    def core_data(self) -> list[Path]:
        """Rules and stories (everything Rasa trains on besides NLU)."""
        return [p for p in (self.root / "data" / "rules", self.root / "data" / "stories") if p.exists()]

    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    @property
    def served_model(self) -> Path:
        """The model production loads; promotion replaces it atomically."""
        return self.models_dir / SERVED_MODEL_NAME

    @property
    def promoted_dir(self) -> Path:
        """Earlier promoted models, kept for rollback."""
        return self.models_dir / "promoted"

    @property
    def candidates_dir(self) -> Path:
        return self.models_dir / "candidates"

    @property
    def current_json(self) -> Path:
        return self.models_dir / "current.json"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def logs_dir(self) -> Path:
        return self.root / "var" / "training"

    def resolve(self, path: Path | str) -> Path:
        """A path given on the command line or in the environment, relative to the project root."""
        p = Path(path)
        return p if p.is_absolute() else self.root / p


def default_paths() -> ProjectPaths:
    """The repository itself; extra question files come from EVAL_QUESTIONS (colon-separated)."""
    raw = os.environ.get("EVAL_QUESTIONS", "").strip()
    files = tuple(Path(p) for p in raw.split(os.pathsep) if p) if raw else (DEFAULT_EVAL_QUESTIONS,)
    return ProjectPaths(root=PROJECT_ROOT, eval_questions=files)
