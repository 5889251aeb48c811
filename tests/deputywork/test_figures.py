import datetime as dt

from deputywork import figures


def test_registered_sources_are_collected_and_written_as_a_sentence(monkeypatch):
    monkeypatch.setattr(figures, "_SOURCES", {})

    def opinions(start, end, region):
        assert (start, end, region) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31), None)
        return [figures.Figure("opinions.collected", "收集意见建议", 212, "收集意见建议{value}条"),
                figures.Figure("opinions.solved", "解决实际问题", 185, "解决实际问题{value}个")]

    figures.register_figures("opinions", opinions)
    found = figures.collect_figures(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert figures.figures_sentence(found) == "收集意见建议212条，解决实际问题185个。"
