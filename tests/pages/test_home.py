from streamlit.testing.v1 import AppTest

from tests.pages.helpers import APP
from ui.lessons import LESSONS


def test_home_says_what_convlab_is_and_links_every_lesson_in_order():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "ConvLab"
    assert any("Start with **Why convolutions**" in m.value for m in at.markdown)
    links = [e.proto.label for e in at.get("page_link")]
    assert links == [f"{x.title}: {x.blurb}" for x in LESSONS]
    assert len(links) == 7
