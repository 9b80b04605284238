"""Learn a filter: treat the nine numbers as parameters and let gradient descent find them."""

import hashlib

import numpy as np
import streamlit as st

from ui.components.linked_grid import Frames, linked_grid
from ui.controls.control import Choice
from ui.controls.filter_picker import FILTER_LINK, custom_weights, filter_picker
from ui.controls.input_picker import INPUT_LINK, input_picker
from ui.course.path import end_of_lesson
from ui.display import formula
from ui.figures.formulas import number
from ui.learn.learning import (
    frame_steps,
    gradient,
    gradient_formula,
    learn,
    outputs,
    run_grids,
)
from ui.links import OutOfRangeError, Param, flag, save_link, whole
from ui.page import examples, fragment, setup_page

KEY = "learn"
STEPS = [50, 200, 500, 2000]
# Learning rates as multiples of the safe step 1/L: below 2 converges, above 2 diverges.
RATES = [0.1, 0.5, 1.0, 1.5, 2.5]
# Photos are learned at 12 px: input, target and output then fit one line at 1280 px
# with every number readable (35 px cells); at 24 px (a 21×21 output) the linked grid drew
# each grid on its own line at 34 px cells, and the page grew to 4,666 px.
PHOTO_SIDE = 12


def listed(options: list[float | int]):
    """A link parser for a slider's choices: a number beyond them warns (``OutOfRangeError``),
    one between them that is not a choice is refused with the choices named."""
    by_text = {str(o): o for o in options}
    lo, hi = min(options), max(options)
    names = ", ".join(map(str, options))

    def parse(text: str):
        if text in by_text:
            return by_text[text]
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"not one of {names}") from None
        if not lo <= value <= hi:
            raise OutOfRangeError(f"outside {lo} to {hi}")
        raise ValueError(f"not one of {names}")

    return parse


def frame_of(shown: np.ndarray, step: object) -> int:
    """The frame showing ``step``, or the nearest one (the last if the run stopped before)."""
    try:
        step = int(step)
    except (TypeError, ValueError):
        step = 0
    return int(np.abs(shown - step).argmin())


def lesson() -> None:
    c1, c2 = st.columns(2)
    with c1:
        picked = input_picker(KEY, max_side=PHOTO_SIDE)
    with c2:
        filt = filter_picker(KEY, hidden=True)
    c3, c4, c5 = st.columns(3)
    steps, rate = STEPS_CONTROL.show(KEY, c3), RATE.show(KEY, c4)
    centre = c5.toggle(
        "Centre the input",
        key=f"{KEY}_centre",
        help="Subtract the image's mean before learning, as networks normalise their inputs.",
    )
    learn_and_show(picked, filt, steps, rate, centre)
    # Last: show_run has settled the step on one the run has.
    save_link(KEY, LINK, w=custom_weights(filt))


def learn_and_show(picked, filt, steps: int, rate: float, centre: bool) -> None:
    if picked is None or filt is None:
        return
    hidden = np.asarray(filt.kernel, dtype=np.float64)
    f = hidden.shape[0]
    n_H, n_W = picked.image.shape
    if f > min(n_H, n_W):
        st.error(f"A {f}×{f} filter does not fit a {n_H}×{n_W} image.")
        return
    if picked.is_photo:
        h, w = picked.original_shape
        st.caption(
            f"The photo ({picked.label}, {h:,}×{w:,}) is computed at {n_H}×{n_W}, in grey: "
            "small enough that every number is readable and, on a laptop, the run fits one screen."
        )
    digest = hashlib.sha256(np.ascontiguousarray(picked.image).tobytes()).hexdigest()
    x, target, run = learn(picked.image, digest, centre, hidden, steps, rate)
    show_run(x, hidden, target, run, rate, centre)


def loss_story(first: float, last: float, steps: int, diverged: bool, error: float) -> str:
    """What the run did to the loss, in words chosen from its numbers: fell, rose, blew up."""
    a, b = number(first), number(last)
    if diverged:
        return (
            f"The loss blew up: it rose from {a} to {b} in {steps} steps, and the run stopped. "
            f"The weights are off the hidden filter by up to {number(error)}."
        )
    moved = "fell" if last < first else "rose" if last > first else "stayed"
    change = f"from {a} to {b}" if moved != "stayed" else f"at {a}"
    return (
        f"After {steps} steps the loss {moved} {change}; the learned weights are within "
        f"{number(error)} of the hidden filter."
    )


def show_run(x, hidden, target, run, rate: float, centre: bool) -> None:
    f = hidden.shape[0]
    if run.diverged:
        st.error(
            f"The learning rate is too large ({number(rate)} × the safe step): the loss blew "
            f"up at step {run.steps + 1}, so the run stops there. Each step overshoots the "
            "bottom of the loss further than the last. Choose a rate below 2."
        )
    shown = frame_steps(run.steps)
    # The step the student settled on (or a link's), kept as a step so that it means the
    # same after the number of steps changes; the frame nearest to it is shown.
    frame = frame_of(shown, st.session_state.get(f"{KEY}_step", 0))

    st.session_state[f"{KEY}_step"] = int(shown[frame])

    def settle(k: int) -> None:
        st.session_state[f"{KEY}_step"] = int(shown[k])

    outs = outputs(x, run, shown)
    grids = run_grids(x, hidden, target, run, outs[-1], centre)
    captions = [
        f"Step {t} of {run.steps}: loss {number(run.loss[t])}, bias {number(run.bias[t])}"
        for t in shown
    ]
    linked_grid(
        f"{KEY}_grid",
        grids,
        f=f,
        terms={},
        frames=Frames(
            steps=shown,
            grids={3: [run.weights[t] for t in shown], 2: outs},
            captions=captions,
            curve=[run.loss[t] for t in shown],
            curve_label="Loss (mean squared error), log scale",
            label="Step",
            pin=frame,
        ),
        on_frame=settle,
        hint="Play, step or drag the slider to watch the weights move towards the hidden "
        "filter. Point at an output cell to see its window.",
    )
    t = int(shown[frame])
    g = gradient(x, target, run, t)
    st.header(f"One weight's gradient, at step {t}")
    st.markdown(
        "The loss is the mean of (output − target)² over the N output cells. Weight "
        "w(0, 0) multiplies the pixel at the top-left of each window, so its gradient adds "
        "up, over every position, the error there times the pixel under w(0, 0):"
    )
    formula(gradient_formula(g), label="∂L/∂w(0, 0) =")
    if t < run.steps:
        after = run.weights[t + 1][0, 0]
        formula(
            f"{number(run.weights[t][0, 0])} − {number(run.lr)} × ({number(g.value)}) "
            f"= {number(after)}",
            label="The step: w(0, 0) − learning rate × gradient =",
        )
    st.caption(
        "Weights are named by (row, column) from 0, like every grid here. The lecture's "
        "w1 … w9 are the same nine numbers read row by row: w1 = w(0, 0), w2 = w(0, 1), "
        f"…, w{f * f} = w({f - 1}, {f - 1})."
    )
    error = float(np.abs(run.weights[-1] - hidden).max())
    st.markdown(loss_story(run.loss[0], run.loss[-1], run.steps, run.diverged, error))
    with st.expander("What makes learning slow or unstable?"):
        st.markdown(
            "- **Too large a step** overshoots: past 2 × the safe step the loss grows at "
            "every step and blows up (try 2.5).\n"
            "- **An uncentred input crawls.** With pixels all positive, the nine weights "
            "and the bias change the output in nearly the same way, so the loss is a long, "
            "narrow valley: steep across, almost flat along. A step small enough not to "
            "overshoot across the valley creeps along it. **Centre the input** (subtract "
            "its mean) and the valley is far rounder, so the same steps go much further; "
            "only the bias changes to make up for the mean. This is why networks normalise "
            "their inputs."
        )


STEPS_CONTROL = Choice(
    "steps",
    "Steps",
    STEPS,
    200,
    "How many gradient steps to take.",
    widget="select_slider",
    parse=listed(STEPS),
)
RATE = Choice(
    "lr", "Learning rate (× the safe step)", RATES, 1.0,
    "The step size as a multiple of the safe step, 1 ÷ the loss's sharpest curvature "
    "(worked out from the input). At 1 no step overshoots; up to 2 steps overshoot but "
    "still shrink; above 2 each overshoots further than the last.",
    widget="select_slider", parse=listed(RATES),
)  # fmt: skip

LINK = [
    INPUT_LINK,
    *FILTER_LINK,
    STEPS_CONTROL.param,
    RATE.param,
    Param("centre", False, flag),
    Param("step", 0, whole(0, max(STEPS))),
]


def _example(**changes: object) -> dict[str, object]:
    """The first example's controls with ``changes``; ``step`` past the end shows the last."""
    first = {c.name: c.default for c in (INPUT_LINK, FILTER_LINK[0], STEPS_CONTROL, RATE)}
    return {**first, "centre": False, "step": max(STEPS), **changes}


EXAMPLES = {
    "The lecture's 6×6: learn the vertical edge": _example(),
    "Learning rate 2.5: the loss blows up": _example(lr=2.5),
    "A photo, not centred: learning is slow": _example(input="Photo: camera"),
    "The same photo, centred: it learns": _example(input="Photo: camera", centre=True),
}

setup_page(KEY, LINK)
st.title("Learn a filter")
st.write(
    "Hand-designed filters like the vertical edge are a start. The lecture's point: treat "
    "the filter's nine numbers as parameters and learn them. Here a hidden filter made "
    "the target output; gradient descent starts from small random weights and, for the "
    "number of steps you choose, moves each one against its gradient to bring the output "
    "closer to the target."
)
examples(KEY, EXAMPLES, lecture=False)
fragment(lesson)()
end_of_lesson(KEY, "pages/learn_filter.py")
