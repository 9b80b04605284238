from streamlit.testing.v1 import AppTest

from tests.pages.helpers import APP
from ui.controls.input_picker import UPLOAD
from ui.course.lessons import LESSONS, available_lessons
from ui.figures.formulas import spelled


def home() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


def test_home_says_what_convlab_teaches_and_lists_every_lesson_in_order():
    at = home()
    assert at.title[0].value == "ConvLab"
    count = spelled(len(available_lessons()))  # nine today: the page reads the lessons
    assert any(
        f"sees an image, in {count} short lessons that follow the lecture" in m.value
        for m in at.markdown
    )
    links = [e.proto.label for e in at.get("page_link") if e.proto.label[0].isdigit()]
    assert links == [
        f"{LESSONS.index(x) + 1}. {x.title}: {x.blurb} (about {x.minutes} min)"
        for x in available_lessons()
    ]
    assert links[0].startswith("1. Why convolutions: ")
    assert any("Presentation mode" in e.value for e in at.info)


def test_home_shows_a_photo_beside_its_edge_map():
    at = home()
    figures = [m.value for m in at.markdown if "<figure" in m.value]
    assert len(figures) == 2
    assert all('alt="' in f and "data:image/png;base64," in f for f in figures)


def test_home_offers_start_and_upload():
    """Following them is a browser test (AppTest does not follow switch_page or links)."""
    at = home()
    assert [b.label for b in at.button] == ["Start the course"]
    upload = next(e.proto for e in at.get("page_link") if e.proto.label == "Upload your own photo")
    assert upload.page == "edge_detection"
    assert upload.query_string == "input=Upload+your+own+image"


def test_a_link_with_input_upload_opens_edge_detection_with_the_uploader():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/edge_detection.py").run()
    assert at.selectbox(key="edge_input").value == "Lecture 6×6"
    # Arriving again with the home page's link: the link's input wins over the session's.
    at.query_params["input"] = UPLOAD
    at.switch_page("pages/edge_detection.py").run()
    assert not at.exception
    assert at.selectbox(key="edge_input").value == UPLOAD
    assert at.get("file_uploader")


def test_in_presentation_mode_every_link_on_home_keeps_it():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception
    links = [e.proto for e in at.get("page_link") if e.proto.label[0].isdigit()]
    assert len(links) == len(available_lessons())
    assert all(p.query_string == "present=1" for p in links)
    upload = next(e.proto for e in at.get("page_link") if e.proto.label == "Upload your own photo")
    assert upload.query_string == "input=Upload+your+own+image&present=1"


def test_without_presentation_mode_the_links_carry_nothing():
    links = [e.proto for e in home().get("page_link") if e.proto.label[0].isdigit()]
    assert links and all(p.query_string == "" for p in links)
