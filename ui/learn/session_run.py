"""This session's training run on Train a CNN: Train and Stop, the run it follows, and
what is kept when the run ends, is stopped, fails or is lost with its server.

One run per session at a time (a new Train replaces it); runs are shared by settings
(``cnn_core.workers``), so Stop leaves the run and the last one watching kills it.
"""

from __future__ import annotations

import streamlit as st

from cnn_core.workers import Run
from ui.learn.training import Settings, Trained, session_id, trained, training_pool
from ui.learn.training_live import follow, run_active


def _press(key: str, button: str) -> None:
    st.session_state[f"_{key}_pressed_{button}"] = True


def train_and_stop(
    key: str, settings: Settings, cannot: str, too_costly: str
) -> tuple[Trained | None, bool]:
    """The Train and Stop buttons and what they start: ``(the network to show, following)``.

    ``cannot`` and ``too_costly`` say why these settings may not train ("" if they may);
    while a run is under way (``following``) the page's fragments poll it and there is no
    network to show yet. Keys ``{key}_…``.
    """
    b1, b2, _ = st.columns([1, 1, 3])
    # Callbacks, not return values: a press survives a rerun that happens before the buttons.
    b1.button(
        "Train",
        key=f"{key}_go",
        type="primary",
        help="Train with these settings.",
        on_click=_press,
        args=(key, "go"),
        disabled=bool(too_costly),
    )
    b2.button(
        "Stop",
        key=f"{key}_stop",
        help="Stop training now; the network keeps what it learned by its last finished epoch.",
        on_click=_press,
        args=(key, "stop"),
    )
    go_train = st.session_state.pop(f"_{key}_pressed_go", False)
    stop = st.session_state.pop(f"_{key}_pressed_stop", False)
    kept = st.session_state.setdefault(f"{key}_kept", {})
    pool, me = training_pool(), session_id()
    # This session's run under way, if any: one at a time, followed again after any rerun.
    job: tuple[Run, Settings] | None = st.session_state.get(f"{key}_job")
    if stop:
        if job is None:
            st.info("Nothing is training: press Train to start.")
        else:
            run, run_settings = st.session_state.pop(f"{key}_job")
            pool.leave(run, me)  # the last one watching kills its worker now
            outcome = pool.outcome(run)
            if outcome is None:
                st.warning("Stopped before the first epoch ended: there is no network to show yet.")
            else:
                kept["run"] = trained(run_settings, outcome, run.owner == me)
            job = None
    if go_train:
        if cannot:
            st.error(f"Cannot train: {cannot}.")
        elif not too_costly:
            if job is not None:
                pool.leave(job[0], me)  # one run per session: the new one replaces it
            job = (pool.submit(settings.key, settings.request, me), settings)
            st.session_state[f"{key}_job"] = job
    if job is None and not (stop or go_train) and st.query_params.get("training") == "1":
        # The link says a run was being followed, but this session has none: the page has
        # reconnected to another replica (its server stopped) or was opened anew.
        st.warning(
            "This page was following a training run it can no longer reach (its server "
            "stopped, or the page was opened anew): the run was lost. Press Train to start it "
            "again."
        )
    following = False
    if job is not None:
        run, run_settings = job
        view = pool.watch(run, me)
        if run_active(view):
            # Fragments poll the run: the page stays usable and its Stop is the only one.
            follow(key, pool, run, me, list(run_settings.layers), run_settings.epochs)
            following = True
        else:
            del st.session_state[f"{key}_job"]
            outcome = pool.outcome(run)
            if view.status == "failed":
                st.error(f"Training failed: {view.error}. Press Train to try again.")
            elif view.status == "stopped":
                st.warning(
                    "The run was stopped: no page was watching it for a few seconds (a closed tab "
                    "stops its run). Press Train to start it again."
                )
            if outcome is not None:
                kept["run"] = trained(run_settings, outcome, run.owner == me)

    return (None if following else kept.get("run")), following
