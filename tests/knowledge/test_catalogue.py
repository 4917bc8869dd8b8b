"""Parser tests on small hand-written records shaped like the crawled catalogue (no real passages)."""

from __future__ import annotations

from bot.knowledge.catalogue import (
    parse_channels,
    parse_documents,
    parse_legal_bases,
    parse_record,
    parse_result,
    parse_steps,
)
from bot.knowledge.models import (
    CHANNEL_IN_PERSON,
    CHANNEL_ONLINE,
    CHANNEL_POST,
    FEE_AMOUNT,
    FEE_FREE,
    FEE_TEXT,
    FEE_UNSPECIFIED,
)

HEAD = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOCS = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
LEGAL = "Tên văn bản pháp lýMã văn bản"


def test_glued_rows_give_time_fee_and_note_per_channel():
    flags: list[str] = []
    text = (
        HEAD + "Trực tuyến5 Ngày làm việc15,000 Việt Nam Đồng(Nộp qua cổng thu 15.000 đồng/lần.)"
        "Trực tiếp5 Ngày làm việc30,000 Việt Nam Đồng(Người thuộc hộ nghèo được miễn lệ phí.)"
        "Dịch vụ bưu chính5 Ngày làm việcMiễn phí"
    )
    rows = parse_channels(text, flags)
    assert [(r.channel, r.time_value, r.time_unit) for r in rows] == [
        (CHANNEL_ONLINE, 5, "Ngày làm việc"),
        (CHANNEL_IN_PERSON, 5, "Ngày làm việc"),
        (CHANNEL_POST, 5, "Ngày làm việc"),
    ]
    assert [(r.fee_kind, r.fee_amount) for r in rows] == [
        (FEE_AMOUNT, 15000),
        (FEE_AMOUNT, 30000),
        (FEE_FREE, None),
    ]
    assert "miễn lệ phí" in rows[1].note
    assert flags == []


def test_unspecified_fees_are_never_turned_into_free():
    flags: list[str] = []
    rows = parse_channels(
        HEAD
        + "Trực tuyến3 NgàyKhông có thông tinTrực tiếp3 NgàyMiễn phí(Chưa quy định.)Dịch vụ bưu chính3 Ngày0 Đồng",
        flags,
    )
    assert [r.fee_kind for r in rows] == [FEE_UNSPECIFIED, FEE_UNSPECIFIED, FEE_FREE]


def test_fee_segments_in_a_note_become_extra_rows_of_the_same_channel():
    flags: list[str] = []
    text = HEAD + (
        "Trực tiếp10 NgàyMiễn phí(- Phí kiểm tra: + Bài kiểm tra viết: 45.000 đồng/lần, Bài kiểm tra thực hành: "
        "90.000 đồng/lần. - Lệ phí cấp thẻ: 120.000 đồng/lần.)"
    )
    rows = parse_channels(text, flags)
    amounts = {r.fee_amount: r.fee_text for r in rows}
    assert set(amounts) == {45000, 90000, 120000}
    assert "viết" in amounts[45000] and "thực hành" in amounts[90000]
    assert all(r.channel == CHANNEL_IN_PERSON and r.time_value == 10 for r in rows)
    assert "fee_amounts_in_note" in flags


def test_explicit_fee_segments_after_no_info():
    flags: list[str] = []
    text = (
        HEAD
        + "Trực tuyến4 Ngày làm việcKhông có thông tin- Lệ phí : 25.000 Đồng (Cấp mới giấy xác nhận); - Lệ phí : 40.000 Đồng (Cấp lại)"
    )
    rows = parse_channels(text, flags)
    assert [(r.fee_kind, r.fee_amount) for r in rows] == [(FEE_AMOUNT, 25000), (FEE_AMOUNT, 40000)]
    assert rows[1].fee_text == "Cấp lại"


def test_time_without_unit_is_flagged_or_taken_from_the_description():
    flags: list[str] = []
    rows = parse_channels(HEAD + "Trực tuyến1Miễn phí", flags)
    assert rows[0].time_value == 1 and rows[0].time_unit == ""
    assert "time_missing_unit" in flags
    flags2: list[str] = []
    rows = parse_channels(HEAD + "Trực tiếp4Miễn phí04 ngày làm việc kể từ khi nhận đủ hồ sơ.", flags2)
    assert rows[0].time_unit == "Ngày làm việc"
    assert "time_unit_from_description" in flags2


def test_channel_words_inside_a_description_do_not_start_rows():
    flags: list[str] = []
    text = HEAD + "Trực tuyến2 GiờMiễn phí- Trực tuyến: nộp qua cổng. Trực tiếp: nộp tại bộ phận một cửa."
    rows = parse_channels(text, flags)
    assert len(rows) == 1 and rows[0].time_unit == "Giờ"


def test_usd_and_currency_without_amount():
    flags: list[str] = []
    rows = parse_channels(
        HEAD + "Trực tiếp5 Ngày làm việc25 USD(Mỗi lần cấp)Trực tuyến5 Ngày làm việcVNĐ", flags
    )
    assert (rows[0].fee_kind, rows[0].fee_text) == (FEE_TEXT, "25 USD")
    assert rows[1].fee_kind == FEE_UNSPECIFIED
    assert "fee_currency_without_amount" in flags


def test_documents_split_into_cases_with_form_codes_and_copies():
    flags: list[str] = []
    text = (
        "Trường hợp đăng ký lần đầu"
        + DOCS
        + "Tờ khai đề nghị (Mẫu TK05 ban hành kèm theo Thông tư số 9/2030/TT-BXX).TK05.docx1 bản chính"
        "Giấy tờ chứng minh nơi ở0 bản chính,1 bản sao"
        "Trường hợp đăng ký lại" + DOCS + "Phiếu đề nghị (mẫu AB12)Mẫu AB12 Phiếu đề nghị.doc1 bản chính"
        "Bản sao giấy tờ tùy thân0 bản chính"
    )
    docs = parse_documents(text, flags)
    assert [(d.case_name, d.form_code, d.copies) for d in docs] == [
        ("Trường hợp đăng ký lần đầu", "TK05", "1 bản chính"),
        ("Trường hợp đăng ký lần đầu", "", "1 bản sao"),
        ("Trường hợp đăng ký lại", "AB12", "1 bản chính"),
        ("Trường hợp đăng ký lại", "", ""),
    ]
    assert docs[0].name.startswith("Tờ khai đề nghị (Mẫu TK05") and not docs[0].name.endswith(".docx")
    assert docs[2].name == "Phiếu đề nghị (mẫu AB12)"


def test_form_code_from_an_attached_file_name():
    docs = parse_documents("--" + DOCS + "Đơn đề nghị cấp giấy.3.MauXY07banhanh (2).doc1 bản chính", [])
    assert docs[0].form_code == "XY07"
    assert docs[0].case_name == ""


def test_missing_document_table_is_flagged():
    flags: list[str] = []
    assert parse_documents("--", flags) == []
    assert "no_documents" in flags


def test_legal_bases_split_glued_title_number_pairs():
    flags: list[str] = []
    text = (
        LEGAL
        + "Luật Đi lại 202099/2020/QH14Nghị định số 12/2031/NĐ-CPngày 01/01/2031 hướng dẫn Luật Đi lại12/2031/NĐ-CP"
        "Nghị quyết về cắt giảm thủ tục7.5/2032/NQ-CPQuyết định công bố thủ tục4321/QĐ-BXX-C09"
    )
    bases = parse_legal_bases(text, flags)
    assert [b.number for b in bases] == ["99/2020/QH14", "12/2031/NĐ-CP", "7.5/2032/NQ-CP", "4321/QĐ-BXX-C09"]
    assert bases[0].title == "Luật Đi lại 2020"
    assert bases[1].title.startswith("Nghị định số 12/2031/NĐ-CP ngày")
    assert flags == []


def test_steps_split_on_buoc_or_lines():
    assert parse_steps("Bước 1: Chuẩn bị.\n Bước 2: Nộp.\t\n\tBước 3. Nhận.", []) == [
        "Chuẩn bị.",
        "Nộp.",
        "Nhận.",
    ]
    assert parse_steps("- Nộp hồ sơ\n- Nhận kết quả", []) == ["Nộp hồ sơ", "Nhận kết quả"]


def test_result_names_drop_codes_and_portal_menu():
    result, names = parse_result(
        "Giấy xác nhậnMã: KQ.G01.000001Thông báo từ chốiMã: KQ.G01.000002Từ khóaKhông có thông tinChọn cơ quan"
    )
    assert names == ["Giấy xác nhận", "Thông báo từ chối"]
    assert "Từ khóa" not in result


def test_record_online_level_only_when_stated():
    base = {
        "ma_thu_tuc": "9.000001",
        "cap_thuc_hien": "Cấp xã",
        "cach_thuc_thuc_hien": HEAD + "Trực tuyến1 NgàyMiễn phí",
    }
    full = parse_record(
        {**base, "ten_thu_tuc": "Đăng ký xe thực hiện bằng dịch vụ công trực tuyến toàn trình"}
    )
    plain = parse_record({**base, "ten_thu_tuc": "Đăng ký xe"})
    assert full.online_level == "toàn trình"
    assert plain.online_level == ""
    assert plain.has_time and plain.has_fee
    assert "no_documents" in plain.flags


def test_unitless_time_glued_to_an_amount_is_not_guessed():
    flags: list[str] = []
    rows = parse_channels(HEAD + "Trực tuyến130 VNĐTrực tiếp2 Ngày làm việc30,000 Việt Nam Đồng", flags)
    assert rows[0].time_value is None and rows[0].fee_kind == FEE_UNSPECIFIED
    assert (rows[1].time_value, rows[1].fee_amount) == (2, 30000)
    assert "time_fee_glued" in flags


def test_fee_items_keep_their_group():
    text = HEAD + (
        "Trực tiếp3 NgàyMiễn phí(+ Đối với hạng nhẹ: Kiểm tra viết: 20.000 đồng/lần;"
        " + Đối với hạng nặng: Kiểm tra viết: 70.000 đồng/lần. - Lệ phí cấp: 90.000 đồng/lần.)"
    )
    labels = {r.fee_amount: (r.fee_text, r.case_name, r.fee_unit) for r in parse_channels(text, [])}
    assert labels == {
        20000: ("Kiểm tra viết", "Hạng nhẹ", "lần"),
        70000: ("Kiểm tra viết", "Hạng nặng", "lần"),
        90000: ("Lệ phí cấp", "", "lần"),
    }


def test_prime_minister_decisions_and_law_references_in_file_names():
    bases = parse_legal_bases(
        LEGAL + "Quyết định số 7/2030/QĐ-TTg về việc thử7/2030/QĐ-TTgLuật Thử nghiệm 5/2031/QH165/2031/QH16",
        [],
    )
    assert [(b.number, b.title) for b in bases] == [
        ("7/2030/QĐ-TTg", "Quyết định số 7/2030/QĐ-TTg về việc thử"),
        ("5/2031/QH16", "Luật Thử nghiệm 5/2031/QH16"),
    ]
    docs = parse_documents("--" + DOCS + "Đơn đề nghị theo mẫu.Mau so 01_TT41.docx1 bản chính", [])
    assert docs[0].form_code == ""


def test_portal_free_label_with_a_rule_note_is_not_free():
    rows = parse_channels(
        HEAD
        + "Trực tuyến2 NgàyMiễn phí(Theo quy định của pháp luật về phí, lệ phí; Thông tư số 9/2031/TT-BXX.)"
        "Trực tiếp2 NgàyMiễn phí(Mức thu do Hội đồng nhân dân cấp tỉnh quyết định.)"
        "Dịch vụ bưu chính2 NgàyMiễn phí(Không thu lệ phí.)",
        [],
    )
    assert [(r.fee_kind, r.fee_text) for r in rows] == [
        (FEE_TEXT, "Theo quy định về phí, lệ phí (9/2031/TT-BXX)"),
        (FEE_TEXT, "Theo mức do Hội đồng nhân dân cấp tỉnh quy định"),
        (FEE_FREE, ""),
    ]


# --- issue 10: parsing that does not damage facts ----------------------------------------------


def test_copy_counts_glued_to_form_numbers_and_years_are_given_back():
    flags: list[str] = []
    text = ("--" + DOCS + "Đơn đăng ký theo Mẫu số 121 bản chính,1 bản sao"
            "Giấy đề nghị - Mẫu 031 bản chính"
            "Văn bản được ký trước ngày 01/01/20191 bản chính"
            "Bản đồ đo năm 20300 bản chính,1 bản sao")
    docs = parse_documents(text, flags)
    assert [(d.name, d.copies) for d in docs] == [
        ("Đơn đăng ký theo Mẫu số 12", "1 bản chính, 1 bản sao"),
        ("Giấy đề nghị - Mẫu 03", "1 bản chính"),
        ("Văn bản được ký trước ngày 01/01/2019", "1 bản chính"),
        ("Bản đồ đo năm 2030", "1 bản sao"),
    ]
    assert "copies_glued_digits" not in flags


def test_counts_in_the_copies_cell_are_below_ten_so_other_digits_end_the_name():
    docs = parse_documents("--" + DOCS + "Văn bản theo Nghị định 1161 bản chính"
                           "Bản dịch theo pháp luật Việt Nam 21 bản chính,1 bản sao"
                           "Mẫu số 03-QĐ6131 bản chínhG19-KQ0061781 bản chính", [])
    assert [(d.name, d.copies) for d in docs] == [
        ("Văn bản theo Nghị định 116", "1 bản chính"),
        ("Bản dịch theo pháp luật Việt Nam 2", "1 bản chính, 1 bản sao"),
        ("Mẫu số 03-QĐ613", "1 bản chính"),
        ("G19-KQ006178", "1 bản chính"),
    ]


def test_document_names_keep_their_first_sentence_without_enumerators():
    docs = parse_documents(
        "--" + DOCS + "b) Đơn đề nghị (Mẫu số 07-ABC). Người đề nghị ký và ghi rõ họ tên.1 bản chính"
        "c) Sổ theo dõi1 bản chính", [])
    assert [(d.name, d.form_code) for d in docs] == [("Đơn đề nghị (Mẫu số 07-ABC)", "07-ABC"), ("Sổ theo dõi", "")]


def test_a_note_that_removes_a_requirement_is_kept():
    text = ("Lưu ý:" + DOCS + "Lưu ý: cơ quan giải quyết tự tra cứu; người nộp không phải nộp Giấy xác nhận ABC "
            "trong hồ sơ.0 bản chính--" + DOCS + "Đơn đề nghị1 bản chính- Giấy xác nhận ABC;1 bản chính")
    docs = parse_documents(text, [])
    assert [(d.name, d.copies) for d in docs] == [("Đơn đề nghị", "1 bản chính"), ("Giấy xác nhận ABC", "không phải nộp")]
    conditional = parse_documents(
        "--" + DOCS + "Lưu ý: trường hợp đã có dữ liệu thì không phải nộp Giấy xác nhận ABC.0 bản chính"
        "Giấy xác nhận ABC1 bản chính", [])
    assert conditional[0].copies == "1 bản chính"


def test_documents_are_read_from_raw_text_when_the_field_holds_steps():
    flags: list[str] = []
    record = {
        "ma_thu_tuc": "9.000003",
        "ten_thu_tuc": "Hưởng trợ cấp thử",
        "thanh_phan_ho_so": ") và nộp cho cơ quan.\nBước 2. Cơ quan tiếp nhận.",
        "raw_text": ("Trình Tự Thực Hiện Bước 1. Lập thành phần hồ sơ (…) và nộp.Cách thức thực hiệnThành phần hồ sơ"
                     + DOCS + "Đơn đề nghị (Mẫu số 09-XYZ)1 bản chínhSổ theo dõi1 bản chínhCăn cứ pháp lý"
                     + LEGAL + "Luật Thử3/2031/QH16"),
    }
    proc = parse_record(record)
    assert [(d.name, d.form_code) for d in proc.documents] == [("Đơn đề nghị (Mẫu số 09-XYZ)", "09-XYZ"),
                                                              ("Sổ theo dõi", "")]
    assert "documents_from_raw_text" in proc.flags and "no_documents" not in proc.flags
    del flags


def test_legal_numbers_end_where_the_next_title_starts_whatever_its_case():
    text = (LEGAL + "Quy định mức thu lệ phí cấp giấy X9/2031/TT-BTCsửa đổi một số điều của Thông tư số "
            "9/2031/TT-BTC ngày 02/3/2031 về lệ phí10/2032/TT-NHNNQUY ĐỊNH VỀ THỦ TỤC Y8/2030/TT-BCA"
            "Thông tư số 8/2030/TT-BCA8/2030/TT-BCACác quy định chung4/2031/NĐ-CP")
    bases = parse_legal_bases(text, [])
    assert [b.number for b in bases] == ["9/2031/TT-BTC", "10/2032/TT-NHNN", "8/2030/TT-BCA", "8/2030/TT-BCA",
                                         "4/2031/NĐ-CP"]
    assert bases[1].title.startswith("sửa đổi một số điều của Thông tư số 9/2031/TT-BTC ngày")
    assert bases[2].title == "QUY ĐỊNH VỀ THỦ TỤC Y"
    assert bases[3].title == "Thông tư số 8/2030/TT-BCA"
    assert bases[4].title == "Các quy định chung"


def test_free_registration_stays_free_when_the_note_is_about_an_optional_copy():
    rows = parse_channels(
        HEAD + "Trực tiếp1 Ngày làm việcMiễn phí(Phí cấp bản sao Trích lục đăng ký X (nếu có yêu cầu) thực hiện "
        "theo quy định tại Thông tư số 9/2031/TT-BTC.)", [])
    assert [(r.fee_kind, r.fee_text) for r in rows] == [(FEE_FREE, "")]


def test_several_times_of_a_channel_keep_their_labels():
    text = HEAD + (
        "Trực tuyến6 Ngày làm việcMiễn phí+ Cấp đổi tấm Y: Không quá 06 ngày làm việc, kể từ ngày nhận đủ hồ sơ."
        "Trực tuyến2 Ngày làm việcMiễn phí+ Cấp đổi giấy X: Không quá 02 ngày làm việc, kể từ ngày nhận đủ hồ sơ."
        "Trực tiếp2 Ngày làm việcMiễn phí"
    )
    rows = parse_channels(text, [])
    assert [(r.channel, r.time_value, r.time_label) for r in rows] == [
        (CHANNEL_ONLINE, 6, "Cấp đổi tấm Y"),
        (CHANNEL_ONLINE, 2, "Cấp đổi giấy X"),
        (CHANNEL_IN_PERSON, 2, ""),
    ]


def test_per_page_fee_with_a_maximum_and_a_foreign_currency_row():
    text = HEAD + ("Trực tiếpKhông có thông tin3,000 Việt Nam Đồng(/trang)Tại xã: 3.000 đồng/trang; từ trang thứ 4 "
                   "trở lên thu 1.500 đồng/trang, tối đa thu không quá 150.000 đồng/bản;"
                   "Trực tiếpKhông có thông tin12 USD(/bản)Tại cơ quan ở nước ngoài: 12 USD/bản.")
    rows = parse_channels(text, [])
    assert [(r.fee_kind, r.fee_amount, r.fee_text, r.fee_unit, r.fee_max) for r in rows] == [
        (FEE_AMOUNT, 3000, "Tại xã", "trang", 150000),
        (FEE_AMOUNT, 1500, "Từ trang thứ 4 trở lên", "trang", 150000),
        (FEE_TEXT, None, "Tại cơ quan ở nước ngoài: 12 USD/bản", "", None),
    ]


def test_a_count_written_inside_a_name_does_not_split_the_row():
    text = ("--" + DOCS + "Hợp đồng bảo đảm (01 bản chính hoặc 01 bản sao có chứng thực) (khoản 2 Điều 27)."
            "0 bản chính,1 bản sao"
            "Giấy phép xuất khẩu: 01 bản chính nếu xuất khẩu một lần hoặc 01 bản chụp nếu nhiều lần"
            "1 bản chính,1 bản sao"
            "Tờ khai hải quan: 02 bản chính1 bản chính")
    docs = parse_documents(text, [])
    assert [(d.name, d.copies) for d in docs] == [
        ("Hợp đồng bảo đảm (01 bản chính hoặc 01 bản sao có chứng thực) (khoản 2 Điều 27).", "1 bản sao"),
        ("Giấy phép xuất khẩu: 01 bản chính nếu xuất khẩu một lần hoặc 01 bản chụp nếu nhiều lần",
         "1 bản chính, 1 bản sao"),
        ("Tờ khai hải quan: 02 bản chính", "1 bản chính"),
    ]
    rest = parse_documents("--" + DOCS + "Bản sao Điều lệ.1 bản chính\tĐiều lệ của tổ chức;1 bản chính.Đơn đề nghị"
                           "1 bản chính,Bản chính Giấy phép0 bản chính,1 bản sao(iii). Cam kết thực hiện1 bản chính", [])
    assert [d.name for d in rest] == ["Bản sao Điều lệ.", "Điều lệ của tổ chức", "Đơn đề nghị", "Bản chính Giấy phép",
                                      "Cam kết thực hiện"]


def test_a_description_before_a_table_is_not_a_case():
    text = ("Phiếu được tạo lập khi trích xuất thông tin để công dân kiểm tra và ký xác nhận." + DOCS
            + "Phiếu thu nhận thông tin (Mẫu CC01)1 bản chính"
            "Phiếu đề nghị (Mẫu DC02). Phiếu này là biểu mẫu điện tử, công dân kê khai khi nộp trực tuyến"
            + DOCS + "Phiếu đề nghị (Mẫu DC02)1 bản chính"
            "Trường hợp công dân chưa có thông tin thì hồ sơ còn có:" + DOCS + "Giấy tờ pháp lý1 bản chính"
            "Bao gồm" + DOCS + "Phiếu thu thập thông tin (Mẫu DC01)1 bản chính")
    docs = parse_documents(text, [])
    assert [(d.form_code or d.name, d.case_name) for d in docs] == [
        ("CC01", ""),
        ("DC02", ""),
        ("Giấy tờ pháp lý", "Trường hợp công dân chưa có thông tin thì hồ sơ còn có"),
        ("DC01", "Trường hợp công dân chưa có thông tin thì hồ sơ còn có"),
    ]


def test_a_list_in_one_cell_is_not_cut_at_its_first_semicolon():
    docs = parse_documents("--" + DOCS + "Giấy tờ tùy thân là một trong những loại giấy tờ sau: Giấy chứng minh nhân dân; "
                           "Thẻ căn cước; Hộ chiếu. Bản sao không cần chứng thực.1 bản chính", [])
    assert docs[0].name == ("Giấy tờ tùy thân là một trong những loại giấy tờ sau: Giấy chứng minh nhân dân; "
                            "Thẻ căn cước; Hộ chiếu")


def test_the_glued_form_file_column_leaves_the_name_whole():
    docs = parse_documents(
        "--" + DOCS + "Đơn đề nghị theo Mẫu số 01.NT Phụ lục I ban hành kèm theo Nghị định số 41/2026/NĐ-CPMau01.docx"
        "1 bản chính"
        "Tờ khai theo Mẫu 57 Phụ lục III kèm theo Nghị định số 23/2026/NĐ-CPMau57.docx1 bản chính"
        "Đơn đề nghị theo mẫu quy địnhvăn bản đề nghị.docx1 bản chính"
        "Phiếu thu nhận (Mẫu CC01 ban hành kèm theo Thông tư số 17/2024/TT-BCA)Mẫu CC01 Phiếu thu nhận.doc1 bản chính",
        [])
    assert [(d.name, d.form_code) for d in docs] == [
        ("Đơn đề nghị theo Mẫu số 01.NT Phụ lục I ban hành kèm theo Nghị định số 41/2026/NĐ-CP", ""),
        ("Tờ khai theo Mẫu 57 Phụ lục III kèm theo Nghị định số 23/2026/NĐ-CP", ""),
        ("Đơn đề nghị theo mẫu quy địnhvăn bản đề nghị", ""),
        ("Phiếu thu nhận (Mẫu CC01 ban hành kèm theo Thông tư số 17/2024/TT-BCA)", "CC01"),
    ]


def test_sub_headings_of_two_tables_keep_each_table_s_documents():
    text = ("* Hồ sơ xe cơ giới:" + DOCS + "- Giấy tờ phải nộp:0 bản chínhVăn bản đề nghị theo mẫu1 bản chính"
            "* Hồ sơ xe máy chuyên dùng:" + DOCS + "- Giấy tờ phải nộp:0 bản chínhVăn bản đề nghị theo mẫu1 bản chính")
    docs = parse_documents(text, [])
    assert [(d.case_name, d.name) for d in docs] == [
        ("Hồ sơ xe cơ giới – Giấy tờ phải nộp", "Văn bản đề nghị theo mẫu"),
        ("Hồ sơ xe máy chuyên dùng – Giấy tờ phải nộp", "Văn bản đề nghị theo mẫu"),
    ]


def test_a_fee_cell_under_a_thousand_dong_is_not_stated():
    flags: list[str] = []
    rows = parse_channels(
        HEAD + "Trực tuyến7 Ngày làm việc150 VNĐ(150.000 đồng/lần/thẻ.)"
        "Trực tiếp5 Ngày làm việc145 VNĐ(Thẻ tạm trú có thời hạn không quá 02 năm: 145 USD/thẻ.)Nộp tại trụ sở."
        "Dịch vụ bưu chính7 Ngày1 Việt Nam Đồng", flags)
    assert [(r.fee_kind, r.fee_amount, r.fee_text) for r in rows] == [
        (FEE_AMOUNT, 150000, ""),
        (FEE_TEXT, None, "Thẻ tạm trú có thời hạn không quá 02 năm: 145 USD/thẻ"),
        (FEE_UNSPECIFIED, None, ""),
    ]
    assert "fee_implausible_amount" in flags
    glued = parse_channels(HEAD + "Trực tuyến120 VNĐ(20.000Đ/tờ khai)Trực tiếp15 Ngày20 VNĐ(20.000 vnđ /tờ khai)", [])
    assert [(r.fee_amount, r.fee_unit) for r in glued] == [(20000, "tờ khai"), (20000, "tờ khai")]


def test_us_dollar_fees_in_a_free_cell_note_are_kept():
    rows = parse_channels(HEAD + "Trực tiếp5 Ngày làm việcMiễn phí(Lệ phí cấp mới 200 USD/lần; lệ phí cấp lại hoặc gia hạn "
                                 "100 USD/lần.)", [])
    assert [(r.fee_kind, r.fee_text) for r in rows] == [
        (FEE_TEXT, "Lệ phí cấp mới 200 USD/lần"), (FEE_TEXT, "Lệ phí cấp lại hoặc gia hạn 100 USD/lần")]
