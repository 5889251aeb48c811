from bulletins.text import parse_body


def test_headings_are_recognised_by_their_markers():
    blocks = parse_body("一、精心组织\n（一）城关镇：小巷微改造。东关社区居民反映……\n1.接待登记制度\n正文段落。")
    assert [b.kind for b in blocks] == ["h1", "h2", "h3", "p"]
    assert blocks[1].heading == "（一）城关镇：小巷微改造。"
    assert blocks[1].text == "东关社区居民反映……"


def test_lead_phrases_stay_inside_their_paragraph():
    blocks = parse_body("代表们一是帮助对接物流，二是协调贷款。\n一是加强统筹调度；二是建立管护机制。")
    assert [b.kind for b in blocks] == ["p", "p"]


def test_numbers_that_are_not_headings_stay_paragraphs():
    blocks = parse_body("1.5亿元资金已到位。\n2024年11月，全县16个乡镇同步开展活动。")
    assert [b.kind for b in blocks] == ["p", "p"]


def test_word_indentation_and_blank_lines_are_dropped():
    blocks = parse_body("\u3000\u3000第一段。\r\n\r\n  \n\u3000\u3000第二段。")
    assert [b.text for b in blocks] == ["第一段。", "第二段。"]


def test_markers_place_images_tables_and_statistics():
    blocks = parse_body("［图1］\n［表2］\n［统计］")
    assert [(b.kind, b.ref) for b in blocks] == [("image", 1), ("table", 2), ("stats", 0)]
