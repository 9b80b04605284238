// The linked grid: input, filter and output drawn as number grids; a hover, drag, touch
// or arrow key lights the window behind an output cell (or every output cell that reads
// an input cell) in the same frame, without asking Python. A click, a released drag or
// Enter commits the cell to Python (one rerun). Every number shown was sent by Python
// (ui/linked_grid.py); this file only decides which cells to light.
// On a touch screen a vertical swipe scrolls the page (touch-action: pan-y); a tap pins a
// cell; a sideways drag, or a press-and-hold then a drag in any direction, scrubs.
// (fmt, factor and ink come from ui/grid_format.js, prepended by ui/linked_grid.py.)

const PLAY_MS = 700; // a window position, or a frame of a learning run
const PLAY_MS_REDUCED = 1600;
const HOLD_MS = 350; // a finger held this long on a grid scrubs instead of scrolling
const SLOP = 8;
const MERGE_MIN = 32; // px: lines of grids merge only while their cells stay this large // px a finger may wander before a touch is a drag, not a tap
const TOUCH_HOW =
  "On a touch screen: tap a cell to pin it; drag sideways, or press and hold then drag, " +
  "to move the window; swipe up or down to scroll the page.";

export default function linkedGrid({ data, parentElement, setTriggerValue }) {
  const host = parentElement;
  let view = host.__convlabGrid;
  if (!view) {
    view = new GridView(host);
    host.__convlabGrid = view;
  }
  view.commit = (pin) => setTriggerValue("pin", pin);
  view.commitFrame = (frame) => setTriggerValue("frame", frame);
  view.show(data);
  return () => view.stop();
}

// A grid's number as written in its cell: rounded to the grid's decimals, if it has any
// (a learning run's weights), else as the notes write numbers.
function shown(grid, v) {
  if (grid.decimals == null) return fmt(v);
  const scale = 10 ** grid.decimals;
  return fmt(Math.round(v * scale) / scale + 0);
}

// The zero border's colour: the cell's own colour washed 55 % towards white, so the
// text colour can be chosen against what is actually drawn.
function washed(hex) {
  const mix = [1, 3, 5].map((k) => Math.round(parseInt(hex.slice(k, k + 2), 16) * 0.45 + 255 * 0.55));
  return `#${mix.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

// A line of grids is an input's, an output's or a filter's (the first role it holds).
function kindOf(gs) {
  const roles = new Set(gs.map((g) => g.role));
  return roles.has("input") ? "input" : roles.has("output") ? "output" : "filter";
}

class GridView {
  constructor(host) {
    this.root = document.createElement("div");
    this.root.className = "lg-root";
    host.appendChild(this.root);
    this.playing = null;
    this.preview = null; // the highlight while hovering or stepping, else null (= pin)
    this.dragging = false;
    // Only a new width changes the layout (equal caption heights change the height).
    new ResizeObserver(() => {
      if (this.root.clientWidth !== this.width) this.layout();
    }).observe(this.root);
    this.reduced = window.matchMedia("(prefers-reduced-motion: reduce)");
  }

  show(data) {
    this.stop();
    const focused = this.focusedCell();
    this.data = data;
    this.grids = data.grids.map((g, index) => ({ ...g, colors: unpack(g.colors), index }));
    for (const seq of Object.values(data.frames?.grids ?? {})) seq.colors = seq.colors.map(unpack);
    this.preview = null;
    this.build();
    this.layout();
    if (data.frames) this.setFrame(data.frames.pin ?? data.frames.count - 1);
    this.paint();
    // A commit reruns Python and rebuilds the grids: keep the keyboard where it was.
    const index = focused ? this.grids.findIndex((g) => g.label === focused.label) : -1;
    const v = this.views[index];
    if (v && focused.i < v.rows && focused.j < v.cols) {
      for (const line of v.cells) for (const cell of line) cell.tabIndex = -1;
      v.cells[focused.i][focused.j].tabIndex = 0;
      this.restoring = true;
      v.cells[focused.i][focused.j].focus({ preventScroll: true });
      this.restoring = false;
    }
  }

  focusedCell() {
    const active = this.root.getRootNode().activeElement;
    if (!this.grids || !active || !this.root.contains(active) || !active.dataset.i) return null;
    const grid = this.grids[Number(active.closest('[role="grid"]').dataset.grid)];
    return { label: grid.label, i: Number(active.dataset.i), j: Number(active.dataset.j) };
  }

  // ----- geometry: which cells a window covers, which windows cover a cell -----

  outputsOf(group) {
    return this.grids.filter((g) => g.role === "output" && g.group === group);
  }

  window(i, j) {
    const { f, s } = this.data;
    return { top: i * s, left: j * s, height: f, width: f };
  }

  // Output rows (or columns) whose window covers input row (or column) a: r·s ≤ a < r·s + f.
  covering(a, size) {
    const { f, s } = this.data;
    const first = Math.max(0, Math.ceil((a - f + 1) / s));
    const last = Math.min(size - 1, Math.floor(a / s));
    return first <= last ? [first, last] : null;
  }

  // What to light for a target {grid, i, j}: a box per grid, the selected cells, a line.
  highlight(target) {
    const boxes = new Map();
    const marks = new Map();
    const source = this.grids[target.grid];
    const { i, j } = target;
    const linked = (g) => !this.data.depthwise || g.channel === source.group;
    if (source.role === "output") {
      boxes.set(source.index, { top: i, left: j, height: 1, width: 1 });
      for (const g of this.grids) {
        if (g.role === "input" && (!this.data.depthwise || g.channel === source.group)) {
          boxes.set(g.index, this.window(i, j));
          const win = this.data.winners?.[source.group]?.[i]?.[j];
          if (win) marks.set(g.index, [i * this.data.s + win[0], j * this.data.s + win[1]]);
        }
        if (g.role === "filter" && g.group === source.group) {
          boxes.set(g.index, { top: 0, left: 0, height: g.values.length, width: g.values[0].length });
        }
      }
      return { boxes, marks, line: this.arithmetic(source, i, j) };
    }
    if (source.role === "input") {
      boxes.set(source.index, { top: i, left: j, height: 1, width: 1 });
      let count = 0;
      for (const g of this.grids) {
        if (g.role !== "output" || !(this.data.depthwise ? g.group === source.channel : true)) continue;
        const rows = this.covering(i, g.values.length);
        const cols = this.covering(j, g.values[0].length);
        if (rows && cols) {
          boxes.set(g.index, {
            top: rows[0],
            left: cols[0],
            height: rows[1] - rows[0] + 1,
            width: cols[1] - cols[0] + 1,
          });
          count = (rows[1] - rows[0] + 1) * (cols[1] - cols[0] + 1);
        }
      }
      const inputs = this.grids.filter((g) => g.role === "input" && linked(g));
      const name = inputs.length > 1 ? source.name : "Input";
      const windows = count === 1 ? "1 window reads it" : `${count} windows read it`;
      const line =
        count === 0
          ? `${name} (${i}, ${j}) = ${shown(source, source.values[i][j])}: no window ever reads it.`
          : `${name} (${i}, ${j}) = ${shown(source, source.values[i][j])}: ${windows} (the lit output cells).`;
      return { boxes, marks, line };
    }
    boxes.set(source.index, { top: i, left: j, height: 1, width: 1 });
    return { boxes, marks, line: `${source.name} (${i}, ${j}) = ${shown(source, source.values[i][j])}` };
  }

  arithmetic(grid, i, j) {
    const terms = this.data.terms?.[grid.group]?.[i]?.[j];
    const total = shown(grid, grid.values[i][j]);
    const head = `${grid.name} (${i}, ${j}) = `;
    if (!terms) return head + total;
    switch (this.data.formula) {
      case "products": {
        const product = ([x, w]) => `${factor(x)}×${factor(w)}`;
        const subs = this.data.subtotals?.[grid.group]?.[i]?.[j];
        if (!subs) return head + terms.map(product).join(" + ") + ` = ${total}`;
        // A volume: one line per channel with its subtotal (sent by Python), then the
        // subtotals added up, as CNN Explainer writes it.
        const size = terms.length / subs.length;
        const lines = subs.map((sub, k) => {
          const part = terms.slice(k * size, (k + 1) * size).map(product).join(" + ");
          return `${this.data.channels[k]}: ${part} = ${fmt(sub)}`;
        });
        return [head.trimEnd(), ...lines, `total: ${subs.map(factor).join(" + ")} = ${total}`].join("\n");
      }
      case "sum":
        return head + terms.map((x) => factor(x)).join(" + ") + ` = ${total}`;
      case "max":
        return head + `max(${terms.map(fmt).join(", ")}) = ${total}`;
      case "average":
        return head + `(${terms.map((x) => factor(x)).join(" + ")}) / ${terms.length} = ${total}`;
      default:
        return head + total;
    }
  }

  // ----- drawing -----

  build() {
    const d = this.data;
    this.root.replaceChildren();
    this.root.classList.toggle("lg-present", !!d.present);
    this.panels = document.createElement("div");
    this.panels.className = "lg-panels";
    this.root.appendChild(this.panels);
    // Grids that share a row number share a line (e.g. the three channels of an input);
    // layout() places the panels in bands (lines), see arrange().
    this.bands = [];
    this.arranged = "";
    this.views = this.grids.map((g) => this.buildGrid(g));
    const frames = d.frames?.grids || {};
    this.longest = this.grids.map((g) => {
      const all = [g.values, ...(frames[g.index]?.values || [])];
      return Math.max(...all.flatMap((vs) => vs.flat().map((v) => shown(g, v).length)));
    });
    this.line = document.createElement("div");
    this.line.className = "lg-line";
    this.line.setAttribute("aria-live", "polite");
    this.root.appendChild(this.line);
    // How to use it, always in view; on a touch screen also how a finger works here.
    const touch = navigator.maxTouchPoints > 0 || window.matchMedia("(pointer: coarse)").matches;
    const how = [d.hint, touch ? TOUCH_HOW : ""].filter(Boolean).join(" ");
    if (how) {
      this.hint = document.createElement("p");
      this.hint.className = "lg-hint";
      this.hint.textContent = how;
      this.root.appendChild(this.hint);
    }
    if (d.player) this.buildPlayer();
    const panels = this.panels;
    panels.addEventListener("pointermove", (e) => this.onPointer(e));
    panels.addEventListener("pointerdown", (e) => this.onDown(e));
    panels.addEventListener("pointerup", (e) => this.onRelease(e));
    panels.addEventListener("pointercancel", () => this.cancel());
    panels.addEventListener("lostpointercapture", () => {
      this.dragging = false;
    });
    panels.addEventListener("pointerleave", (e) => {
      if (e.pointerType === "mouse" && !this.dragging) this.reset();
    });
    // A finger that scrubs keeps the page still (the browser scrolls only until then).
    panels.addEventListener(
      "touchmove",
      (e) => {
        if (this.touch?.mode === "scrub" && e.cancelable) e.preventDefault();
      },
      { passive: false },
    );
    panels.addEventListener("contextmenu", (e) => {
      if (this.touch) e.preventDefault(); // a long press scrubs, it does not open a menu
    });
  }

  buildGrid(g) {
    const panel = document.createElement("figure");
    panel.className = `lg-panel lg-${g.role}`;
    const title = document.createElement("figcaption");
    title.textContent = g.label;
    panel.appendChild(title);
    const grid = document.createElement("div");
    grid.className = "lg-grid";
    grid.setAttribute("role", "grid");
    grid.setAttribute("aria-label", g.label);
    grid.dataset.grid = String(g.index);
    const rows = g.values.length;
    const cols = g.values[0].length;
    grid.style.gridTemplateColumns = `repeat(${cols}, var(--cell))`;
    grid.style.gridTemplateRows = `repeat(${rows}, var(--cell))`;
    const cells = [];
    const flags = new Set((g.flags || []).map(([a, b]) => `${a},${b}`));
    const marks = new Set((g.marks || []).map(([a, b]) => `${a},${b}`));
    for (let i = 0; i < rows; i++) {
      const row = document.createElement("div");
      row.setAttribute("role", "row");
      row.className = "lg-row";
      const line = [];
      for (let j = 0; j < cols; j++) {
        const cell = document.createElement("div");
        const v = g.values[i][j];
        const p = g.pad || 0;
        const padding = p && (i < p || j < p || i >= rows - p || j >= cols - p);
        const color = padding ? washed(g.colors[i][j]) : g.colors[i][j];
        cell.setAttribute("role", "gridcell");
        cell.dataset.i = String(i);
        cell.dataset.j = String(j);
        cell.className = "lg-cell";
        cell.textContent = shown(g, v);
        cell.setAttribute("aria-label", shown(g, v));
        cell.style.background = color;
        cell.style.color = ink(color);
        cell.style.gridRow = String(i + 1);
        cell.style.gridColumn = String(j + 1);
        cell.tabIndex = -1;
        if (padding) cell.classList.add("lg-pad");
        if (flags.has(`${i},${j}`)) cell.classList.add("lg-flag");
        if (marks.has(`${i},${j}`)) cell.classList.add("lg-mark");
        cell.addEventListener("keydown", (e) => this.onKey(e, g, i, j));
        cell.addEventListener("focus", () => this.onFocus(g, i, j));
        row.appendChild(cell);
        line.push(cell);
      }
      grid.appendChild(row);
      cells.push(line);
    }
    cells[0][0].tabIndex = 0;
    if (g.pad) {
      const edge = document.createElement("div");
      edge.className = "lg-edge";
      edge.style.gridRow = `${g.pad + 1} / ${rows - g.pad + 1}`;
      edge.style.gridColumn = `${g.pad + 1} / ${cols - g.pad + 1}`;
      grid.appendChild(edge);
    }
    const box = document.createElement("div");
    box.className = "lg-box";
    box.hidden = true;
    grid.appendChild(box);
    panel.appendChild(grid);
    return { panel, grid, cells, box, rows, cols, selected: [], winner: null };
  }

  buildPlayer() {
    const bar = document.createElement("div");
    bar.className = "lg-player";
    const button = (text, label, action) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", action);
      bar.appendChild(b);
      return b;
    };
    button("◀", "Step back", () => this.step(-1));
    this.playButton = button("▶ Play", "Play", () => this.togglePlay());
    button("▶|", "Step forward", () => this.step(+1));
    const frames = this.data.frames;
    if (frames) {
      this.range = document.createElement("input");
      this.range.type = "range";
      this.range.min = "0";
      this.range.max = String(frames.count - 1);
      this.range.className = "lg-range";
      this.range.setAttribute("aria-label", frames.label || "Step");
      this.range.addEventListener("input", () => {
        this.pause();
        this.setFrame(Number(this.range.value));
      });
      // Released (or Enter on the keyboard): Python explains this step.
      this.range.addEventListener("change", () => this.commitFrame(Number(this.range.value)));
      bar.appendChild(this.range);
    }
    this.status = document.createElement("span");
    this.status.className = "lg-status";
    bar.appendChild(this.status);
    this.root.insertBefore(bar, this.line);
    if (frames?.curve) this.buildCurve(frames.curve);
  }

  // The loss against the step on a log scale, as an SVG line with a dot at this frame.
  buildCurve(curve) {
    // As wide as the page allows (320–640 px), so its 13 px labels stay 13 px on a phone.
    const w = Math.max(320, Math.min(640, this.root.clientWidth || 600));
    const h = 160;
    const pad = { left: 64, right: 12, top: 12, bottom: 28 };
    const ys = curve.y.map((v) => Math.log10(Math.max(v, 1e-300)));
    const lo = Math.floor(Math.min(...ys));
    const hi = Math.ceil(Math.max(...ys)) === lo ? lo + 1 : Math.ceil(Math.max(...ys));
    const last = this.data.frames.steps.at(-1) || 1;
    const x = (k) => pad.left + ((w - pad.left - pad.right) * this.data.frames.steps[k]) / last;
    const y = (v) => pad.top + ((h - pad.top - pad.bottom) * (hi - v)) / (hi - lo);
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    svg.setAttribute("class", "lg-curve");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", curve.label);
    const add = (tag, attrs, text) => {
      const el = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      if (text !== undefined) el.textContent = text;
      svg.appendChild(el);
      return el;
    };
    const step = Math.max(1, Math.ceil((hi - lo) / 6));
    for (let e = lo; e <= hi; e += step) {
      add("line", { x1: pad.left, x2: w - pad.right, y1: y(e), y2: y(e), class: "lg-tick" });
      const label = add("text", { x: pad.left - 6, y: y(e) + 4, "text-anchor": "end" }, "10");
      const power = document.createElementNS(ns, "tspan");
      power.setAttribute("dy", "-6");
      power.setAttribute("font-size", "0.75em");
      power.textContent = String(e).replace("-", "\u2212");
      label.appendChild(power);
    }
    add("text", { x: pad.left, y: h - 8 }, "step 0");
    add("text", { x: w - pad.right, y: h - 8, "text-anchor": "end" }, `step ${last}`);
    const points = ys.map((v, k) => `${x(k).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    add("polyline", { points, class: "lg-loss" });
    this.curveDot = add("circle", { r: 6, class: "lg-dot" });
    this.curveAt = (k) => {
      this.curveDot.setAttribute("cx", x(k));
      this.curveDot.setAttribute("cy", y(ys[k]));
    };
    const title = document.createElement("p");
    title.className = "lg-curve-title";
    title.textContent = curve.label;
    this.root.insertBefore(title, this.line);
    this.root.insertBefore(svg, this.line);
  }

  // Show frame k: the grids that change per frame take that frame's numbers and colours.
  setFrame(k) {
    const frames = this.data.frames;
    this.frame = Math.max(0, Math.min(frames.count - 1, k));
    for (const [index, seq] of Object.entries(frames.grids)) {
      const g = this.grids[Number(index)];
      const v = this.views[Number(index)];
      g.values = seq.values[this.frame];
      v.cells.forEach((line, i) =>
        line.forEach((cell, j) => {
          const text = shown(g, g.values[i][j]);
          const color = seq.colors[this.frame][i][j];
          cell.textContent = text;
          cell.setAttribute("aria-label", text);
          cell.style.background = color;
          cell.style.color = ink(color);
        }),
      );
    }
    if (this.range) this.range.value = String(this.frame);
    if (this.curveAt) this.curveAt(this.frame);
    if (this.status) this.status.textContent = frames.captions[this.frame];
  }

  // Cell size: every band (row of grids) on one line if cells stay readable, and bands of
  // one kind (a volume's filters) side by side where they fit, so that the input and the
  // output it explains are on one 1280×800 screen; else, on a phone, the input beside
  // the output (the filter below them), so a finger scrubbing the output sees the window
  // move; else each grid wraps on its own.
  layout() {
    if (!this.views) return;
    const width = this.root.clientWidth || 700;
    this.width = this.root.clientWidth;
    const max = this.data.present ? 76 : 56;
    // Width of a line of grids, in cells: their columns and a gap of 0.7 cell between.
    const span = (gs) => gs.reduce((a, g) => a + g.values[0].length, 0) + 0.7 * gs.length;
    const rows = new Map();
    for (const g of this.grids) rows.set(g.row, [...(rows.get(g.row) || []), g]);
    const size = (gs) => Math.min(max, Math.floor(width / span(gs)));
    let lines = [...rows.values()];
    let cell = Math.min(...lines.map(size));
    const narrow = cell < 30;
    if (narrow) {
      const pairs = lines.map((gs) => {
        const first = (role) => gs.filter((g) => g.role === role).slice(0, 1);
        const pair = [...first("input"), ...first("output")];
        return Math.min(...(pair.length ? [size(pair)] : []), ...gs.map((g) => size([g])));
      });
      cell = Math.min(...pairs);
      if (cell < 26) cell = Math.min(...this.grids.map((g) => size([g])));
    } else {
      const merged = [];
      for (const gs of lines) {
        const last = merged[merged.length - 1];
        const fits = last && kindOf(last) === kindOf(gs) && size([...last, ...gs]) >= MERGE_MIN;
        if (fits) merged[merged.length - 1] = [...last, ...gs];
        else merged.push(gs);
      }
      lines = merged;
      cell = Math.min(...lines.map(size));
    }
    cell = Math.max(cell, 6);
    this.arrange(lines);
    this.root.classList.toggle("lg-narrow", narrow);
    this.root.style.setProperty("--cell", `${cell}px`);
    // Each grid sizes its own text to its longest number (over every frame, so the text
    // does not jump while playing): one long number never shrinks the other grids.
    this.views.forEach((v, index) => {
      const font = Math.min(cell * 0.42, (cell * 1.5) / Math.max(this.longest[index], 2));
      v.grid.style.setProperty("--cell-font", `${Math.max(font, 7).toFixed(1)}px`);
    });
    this.root.classList.toggle("lg-tiny", cell < 16);
    // A caption wraps to its grid's width (it never widens a panel): grids on one line
    // start at one height, under the tallest caption.
    for (const band of this.bands) {
      const captions = [...band.querySelectorAll("figcaption")];
      for (const c of captions) c.style.minHeight = "";
      const tallest = Math.max(...captions.map((c) => c.getBoundingClientRect().height));
      for (const c of captions) c.style.minHeight = `${tallest}px`;
    }
  }

  // Put the panels in bands, one per line of grids; on a phone bands go inputs, outputs,
  // then filters (CSS order): a finger on an output cell sees the window it lights on the
  // input just above. Panels move only when the lines change (a move loses focus).
  arrange(lines) {
    const key = lines.map((gs) => gs.map((g) => g.index).join(",")).join("|");
    if (key === this.arranged) return;
    this.arranged = key;
    lines.forEach((gs, k) => {
      let band = this.bands[k];
      if (!band) {
        band = document.createElement("div");
        band.className = "lg-band";
        this.bands.push(band);
      }
      this.panels.appendChild(band);
      band.dataset.kind = kindOf(gs);
      for (const g of gs) band.appendChild(this.views[g.index].panel);
    });
    for (const band of this.bands.splice(lines.length)) band.remove();
  }

  paint() {
    const target = this.preview || this.pinTarget();
    const lit = target ? this.highlight(target) : { boxes: new Map(), marks: new Map(), line: "" };
    this.views.forEach((v, index) => {
      for (const cell of v.selected) cell.removeAttribute("aria-selected");
      v.selected = [];
      if (v.winner) v.winner.classList.remove("lg-winner");
      v.winner = null;
      const b = lit.boxes.get(index);
      v.box.hidden = !b;
      if (b) {
        v.box.style.gridRow = `${b.top + 1} / span ${b.height}`;
        v.box.style.gridColumn = `${b.left + 1} / span ${b.width}`;
        for (let r = b.top; r < b.top + b.height; r++) {
          for (let c = b.left; c < b.left + b.width; c++) {
            const cell = v.cells[r]?.[c];
            if (cell) {
              cell.setAttribute("aria-selected", "true");
              v.selected.push(cell);
            }
          }
        }
      }
      const m = lit.marks.get(index);
      if (m) {
        v.winner = v.cells[m[0]][m[1]];
        v.winner.classList.add("lg-winner");
      }
    });
    // The line explains what is lit: the cell under the pointer, else the pinned cell (so
    // a tapped cell's arithmetic stays on a phone); empty when nothing is lit.
    this.line.textContent = lit.line;
    // One position line: the one stepped to or pointed at, else the pinned one.
    if (this.status && !this.data.frames) {
      this.status.textContent = this.position(target, !this.preview);
    }
  }

  pinTarget() {
    const pin = this.data.pin;
    if (!pin) return null;
    const grid = this.outputsOf(pin[0])[0];
    if (!grid || pin[1] >= grid.values.length || pin[2] >= grid.values[0].length) return null;
    return { grid: grid.index, i: pin[1], j: pin[2] };
  }

  position(target, pinned = false) {
    const grid = target && this.grids[target.grid];
    if (!grid || grid.role !== "output") return "";
    const cols = grid.values[0].length;
    const count = grid.values.length * cols;
    const w = this.window(target.i, target.j);
    return (
      `Position ${target.i * cols + target.j + 1} of ${count}${pinned ? " (pinned)" : ""}: ` +
      `output cell (${target.i}, ` +
      `${target.j}) reads the window whose top-left corner is at row ${w.top}, column ${w.left}.`
    );
  }

  // ----- input: pointer, keyboard, player -----

  cellAt(x, y) {
    const scope = this.root.getRootNode();
    const el = (scope.elementFromPoint ? scope : document).elementFromPoint(x, y);
    const cell = el?.closest?.('[role="gridcell"]');
    if (!cell || !this.root.contains(cell)) return null;
    const grid = Number(cell.closest('[role="grid"]').dataset.grid);
    return { grid, i: Number(cell.dataset.i), j: Number(cell.dataset.j) };
  }

  onDown(e) {
    if (e.pointerType === "mouse") {
      if (e.button !== 0) return;
      this.dragging = true;
      // Keep the drag's events even if the pointer leaves the grids before it is released.
      this.panels.setPointerCapture(e.pointerId);
      this.onPointer(e);
      return;
    }
    // A finger: a tap until it moves; sideways it scrubs, up or down the browser scrolls
    // (touch-action: pan-y, which then cancels the pointer); held still it scrubs.
    clearTimeout(this.holdTimer);
    const [x, y] = [e.clientX, e.clientY];
    this.touch = { id: e.pointerId, x0: x, y0: y, x, y, mode: "tap" };
    this.holdTimer = setTimeout(() => {
      if (this.touch?.mode !== "tap") return;
      this.touch.mode = "scrub";
      this.preview = null; // light the held cell even if it is the one already lit
      this.scrubTo(this.touch.x, this.touch.y);
    }, HOLD_MS);
  }

  onPointer(e) {
    if (e.pointerType === "mouse") {
      this.scrubTo(e.clientX, e.clientY);
      return;
    }
    const t = this.touch;
    if (!t || t.id !== e.pointerId) return;
    t.x = e.clientX;
    t.y = e.clientY;
    if (t.mode === "tap") {
      const dx = e.clientX - t.x0, dy = e.clientY - t.y0;
      if (Math.hypot(dx, dy) < SLOP) return;
      clearTimeout(this.holdTimer);
      t.mode = Math.abs(dx) > Math.abs(dy) ? "scrub" : "scroll";
    }
    if (t.mode === "scrub") this.scrubTo(e.clientX, e.clientY);
  }

  scrubTo(x, y) {
    const target = this.cellAt(x, y);
    if (!target) return;
    if (!this.data.frames) this.pause();
    this.setPreview(target);
  }

  onRelease(e) {
    if (e.pointerType === "mouse") {
      const wasDragging = this.dragging;
      this.dragging = false;
      const target = this.cellAt(e.clientX, e.clientY) || this.preview;
      if (wasDragging && target) this.pin(target);
      return;
    }
    const t = this.touch;
    this.endTouch();
    if (!t || t.id !== e.pointerId || t.mode === "scroll") return;
    const target = this.cellAt(e.clientX, e.clientY) || (t.mode === "scrub" ? this.preview : null);
    if (!target) return;
    // An output cell is pinned (its arithmetic stays); a tapped pixel stays lit.
    if (this.grids[target.grid].role === "output") this.pin(target);
    else this.setPreview(target);
  }

  // The browser took the finger (a vertical swipe scrolls the page): back to the pin.
  cancel() {
    this.endTouch();
    this.reset();
  }

  endTouch() {
    clearTimeout(this.holdTimer);
    this.touch = null;
  }

  onFocus(g, i, j) {
    if (this.restoring) return;
    if (!this.data.frames) this.pause();
    this.setPreview({ grid: g.index, i, j });
  }

  onKey(e, g, i, j) {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key]) {
      e.preventDefault();
      const v = this.views[g.index];
      const r = Math.min(v.rows - 1, Math.max(0, i + moves[e.key][0]));
      const c = Math.min(v.cols - 1, Math.max(0, j + moves[e.key][1]));
      this.focusCell(g.index, r, c);
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      this.pin({ grid: g.index, i, j });
    } else if (e.key === "Escape") {
      e.preventDefault();
      this.reset();
    }
  }

  focusCell(index, i, j) {
    const v = this.views[index];
    for (const line of v.cells) for (const cell of line) cell.tabIndex = -1;
    v.cells[i][j].tabIndex = 0;
    v.cells[i][j].focus();
  }

  setPreview(target) {
    const p = this.preview;
    if (p && p.grid === target.grid && p.i === target.i && p.j === target.j) return;
    this.preview = target;
    this.paint();
  }

  reset() {
    this.dragging = false;
    this.preview = null;
    this.paint();
  }

  // Commit an output cell to Python. The highlight stays on it while Python reruns.
  pin(target) {
    const grid = this.grids[target.grid];
    if (grid.role !== "output") return;
    this.setPreview(target);
    this.commit([grid.group, target.i, target.j]);
  }

  // A player playing stops at its last position or frame; Play there starts over.
  step(delta, starting = false) {
    if (this.data.frames) {
      const end = this.data.frames.count - 1;
      if (this.playing && this.frame >= end) {
        this.pause();
        return;
      }
      this.setFrame(this.frame + delta);
      if (!this.playing) this.commitSoon();
      return;
    }
    const current = this.preview || this.pinTarget();
    const grid = current ? this.grids[current.grid] : null;
    const out = grid && grid.role === "output" ? grid : this.outputsOf(0)[0] || this.grids.find((g) => g.role === "output");
    if (!out) return;
    const cols = out.values[0].length;
    const count = out.values.length * cols;
    const at = grid === out ? current.i * cols + current.j : -1;
    if (this.playing && !starting && at === count - 1) {
      this.pause();
      return;
    }
    const next = (((at + delta) % count) + count) % count;
    this.setPreview({ grid: out.index, i: Math.floor(next / cols), j: next % cols });
  }

  togglePlay() {
    if (this.playing) {
      this.pause();
      return;
    }
    const frames = this.data.frames;
    const reduced = this.reduced.matches;
    const ms = frames ? (reduced ? 5 : 1) * (frames.ms || 120) : reduced ? PLAY_MS_REDUCED : PLAY_MS;
    if (this.data.frames && this.frame >= this.data.frames.count - 1) this.setFrame(-1);
    // Playing before the first step: a step taken while not playing commits its frame to
    // Python (commitSoon), and that rerun rebuilt the player 0.5 s into every run.
    clearTimeout(this.pending);
    this.playing = setInterval(() => this.step(+1), ms);
    this.step(+1, true);
    this.playButton.textContent = "❚❚ Pause";
    this.playButton.setAttribute("aria-label", "Pause");
  }

  pause() {
    if (!this.playing) return;
    clearInterval(this.playing);
    this.playing = null;
    this.playButton.textContent = "▶ Play";
    this.playButton.setAttribute("aria-label", "Play");
    if (this.data.frames) this.commitFrame(this.frame);
  }

  // Step buttons pressed in a row commit once, when the student stops pressing.
  commitSoon() {
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.commitFrame(this.frame), 400);
  }

  stop() {
    if (this.playing) clearInterval(this.playing);
    clearTimeout(this.pending);
    this.endTouch();
    this.playing = null;
  }
}
