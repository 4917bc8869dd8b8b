"""What a citizen can ask about a procedure, and how each asked fact is phrased from the record."""

from __future__ import annotations

from enum import Enum


class Fact(str, Enum):
    DOCUMENTS = "documents"
    TIME = "time"
    FEE = "fee"
    PLACE = "place"
    STEPS = "steps"
    CONDITIONS = "conditions"
    ONLINE = "online"
    LEGAL_BASIS = "legal_basis"
    OVERVIEW = "overview"


# NLU intent -> fact asked.
INTENT_FACTS = {
    "ask_documents": Fact.DOCUMENTS,
    "ask_time": Fact.TIME,
    "ask_fee": Fact.FEE,
    "ask_place": Fact.PLACE,
    "ask_steps": Fact.STEPS,
    "ask_conditions": Fact.CONDITIONS,
    "ask_online": Fact.ONLINE,
    "ask_legal_basis": Fact.LEGAL_BASIS,
    "ask_overview": Fact.OVERVIEW,
}

FACT_LABELS = {
    Fact.DOCUMENTS: "Giấy tờ cần chuẩn bị",
    Fact.TIME: "Thời gian giải quyết",
    Fact.FEE: "Phí, lệ phí",
    Fact.PLACE: "Nơi nộp hồ sơ",
    Fact.STEPS: "Các bước thực hiện",
    Fact.CONDITIONS: "Điều kiện",
    Fact.ONLINE: "Nộp trực tuyến",
    Fact.LEGAL_BASIS: "Căn cứ pháp lý",
    Fact.OVERVIEW: "Thông tin chung",
}
