"""ConvLab: navigation only. Each topic is one page in pages/, in lecture order."""

import streamlit as st

from serve.memory import freeze_after_first_run
from ui.course.lessons import available_lessons

st.set_page_config(page_title="ConvLab", page_icon=":material/grid_on:", layout="wide")
home = st.Page("pages/home.py", title="Home", icon=":material/home:", default=True)
lessons = [st.Page(x.path, title=x.title, icon=x.icon) for x in available_lessons()]
page = st.navigation([home, *lessons])
page.run()
freeze_after_first_run(page.url_path)
