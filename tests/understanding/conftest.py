"""A small procedure index built from the project's lexicon files and a dozen real procedure names."""

from __future__ import annotations

import pytest

from bot.understanding.index import ProcedureDoc, ProcedureIndex
from bot.understanding.lexicon import Lexicon, load_files

DOCS = [
    ProcedureDoc(1, "1.004194", "Đăng ký tạm trú", "Cấp xã", "Đăng ký, quản lý cư trú", 5000, True,
                 ("làm tạm trú", "khai báo tạm trú")),
    ProcedureDoc(2, "1.010028", "Xóa đăng ký tạm trú", "Cấp xã", "Đăng ký, quản lý cư trú", 300, True),
    ProcedureDoc(3, "1.002755", "Gia hạn tạm trú", "Cấp xã", "Đăng ký, quản lý cư trú", 200, True),
    ProcedureDoc(4, "1.004222", "Đăng ký thường trú", "Cấp xã", "Đăng ký, quản lý cư trú", 6000, True,
                 ("nhập hộ khẩu", "chuyển hộ khẩu")),
    ProcedureDoc(5, "2.001195", "Cấp đổi thẻ căn cước (thực hiện tại cấp tỉnh)", "Cấp tỉnh", "Cấp, quản lý căn cước",
                 4000, True, ("đổi căn cước",)),
    ProcedureDoc(6, "1.014063", "Cấp đổi thẻ căn cước", "Cấp xã", "Cấp, quản lý căn cước", 4000, True,
                 ("đổi căn cước",)),
    ProcedureDoc(7, "2.001194", "Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)", "Cấp tỉnh", "Cấp, quản lý căn cước",
                 3000, True, ("mất căn cước",)),
    ProcedureDoc(8, "1.012549", "Cấp thẻ căn cước cho người dưới 14 tuổi (thực hiện tại cấp tỉnh)", "Cấp tỉnh",
                 "Cấp, quản lý căn cước", 1000, True),
    ProcedureDoc(9, "2.000200", "Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên (thực hiện tại cấp tỉnh)", "Cấp tỉnh",
                 "Cấp, quản lý căn cước", 5000, True),
    ProcedureDoc(10, "1.001456", "Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)", "Cấp tỉnh",
                 "Quản lý xuất nhập cảnh", 8000, True, ("làm hộ chiếu",)),
    ProcedureDoc(11, "1.001146", "Cấp thị thực cho người nước ngoài", "Cấp tỉnh", "Quản lý xuất nhập cảnh", None, True),
    ProcedureDoc(12, "3.000346", "Sát hạch cấp giấy phép lái xe", "Cấp tỉnh", "Đường bộ", 2000, True,
                 ("thi bằng lái",)),
    ProcedureDoc(13, "2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Cấp xã", "Chứng thực", 9000, True,
                 ("công chứng bản sao", "photo công chứng")),
    ProcedureDoc(14, "1.014748", "Hưởng trợ cấp thất nghiệp (Cấp tỉnh)", "Cấp tỉnh", "Việc làm", 7000, False),
]


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return Lexicon(load_files())


@pytest.fixture(scope="session")
def small_index(lexicon: Lexicon) -> ProcedureIndex:
    return ProcedureIndex(DOCS, lexicon)
