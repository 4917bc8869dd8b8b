"""Rasa 3.6 graph component: underthesea word segmentation with exact token offsets."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.segment import segment


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class UndertheseaTokenizer(Tokenizer):
    """Vietnamese words as tokens; each token's lemma is its accent-folded form.

    Folded lemmas let the count-vector featurizers treat "đăng ký" and "dang ky" alike.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["underthesea"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UndertheseaTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute) or ""
        spans = segment(text)
        if not spans:
            # Rasa expects at least one token; an empty/blank message gets a zero-width one.
            return [Token(text, 0, end=len(text), lemma=text.lower())]
        tokens = [Token(s.text, s.start, end=s.end, lemma=s.key) for s in spans]
        return self._apply_token_pattern(tokens)
