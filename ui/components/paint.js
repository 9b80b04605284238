// The paint pad: press and drag (mouse, pen or finger) to ink 8×8 cells, 0–16 like the
// digits. Painting stays in the browser; releasing the pointer sends the 64 values to
// Python once (setTriggerValue, one rerun). Clear sends zeros. Arrows move between cells;
// Space or Enter inks (or clears) the focused cell and commits.

const SIZE = 8;

export default function paintPad({ data, parentElement, setTriggerValue }) {
  let pad = parentElement.__convlabPaint;
  if (!pad) {
    pad = new Pad(parentElement);
    parentElement.__convlabPaint = pad;
  }
  pad.commit = (values) => setTriggerValue("pixels", values);
  pad.show(data);
}

class Pad {
  constructor(host) {
    this.root = document.createElement("div");
    this.root.className = "pp-root";
    this.grid = document.createElement("div");
    this.grid.className = "pp-grid";
    this.grid.setAttribute("role", "grid");
    this.grid.setAttribute("aria-label", "Paint a digit");
    this.cells = [];
    for (let i = 0; i < SIZE; i++) {
      const row = document.createElement("div");
      row.setAttribute("role", "row");
      row.style.display = "contents";
      const line = [];
      for (let j = 0; j < SIZE; j++) {
        const cell = document.createElement("div");
        cell.className = "pp-cell";
        cell.setAttribute("role", "gridcell");
        cell.dataset.i = i;
        cell.dataset.j = j;
        cell.tabIndex = i === 0 && j === 0 ? 0 : -1;
        cell.addEventListener("keydown", (e) => this.onKey(e, i, j));
        row.appendChild(cell);
        line.push(cell);
      }
      this.grid.appendChild(row);
      this.cells.push(line);
    }
    const bar = document.createElement("div");
    bar.className = "pp-bar";
    const clear = document.createElement("button");
    clear.type = "button";
    clear.textContent = "Clear";
    clear.addEventListener("click", () => {
      this.values = this.values.map((r) => r.map(() => 0));
      this.paint();
      this.commit(this.values);
    });
    const hint = document.createElement("span");
    hint.className = "pp-hint";
    hint.textContent = "Drag to paint; release to see the prediction.";
    bar.append(clear, hint);
    this.root.append(this.grid, bar);
    host.appendChild(this.root);

    this.drawing = false;
    this.grid.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      this.drawing = true;
      this.grid.setPointerCapture(e.pointerId);
      this.stroke(e);
    });
    this.grid.addEventListener("pointermove", (e) => {
      if (this.drawing) this.stroke(e);
    });
    const finish = () => {
      if (!this.drawing) return;
      this.drawing = false;
      this.commit(this.values);
    };
    this.grid.addEventListener("pointerup", finish);
    this.grid.addEventListener("pointercancel", finish);
  }

  show(data) {
    // Python's values replace the pad's unless a stroke is under way.
    if (this.drawing) return;
    this.ink = data.ink;
    this.values = data.values.map((r) => r.slice());
    this.root.classList.toggle("pp-present", !!data.present);
    this.paint();
  }

  // The cell under the pointer, from the grid's box (pointer capture keeps events here).
  at(e) {
    const box = this.grid.getBoundingClientRect();
    const j = Math.floor(((e.clientX - box.left) / box.width) * SIZE);
    const i = Math.floor(((e.clientY - box.top) / box.height) * SIZE);
    return i >= 0 && i < SIZE && j >= 0 && j < SIZE ? [i, j] : null;
  }

  // A brush like a pen on the 32×32 bitmap the digits were counted from: the cell gets
  // full ink, its four neighbours a little, so strokes look like the data.
  stroke(e) {
    const hit = this.at(e);
    if (!hit) return;
    const [i, j] = hit;
    this.add(i, j, this.ink);
    for (const [di, dj] of [[-1, 0], [1, 0], [0, -1], [0, 1]]) this.add(i + di, j + dj, 4);
    this.paint();
  }

  add(i, j, amount) {
    if (i < 0 || i >= SIZE || j < 0 || j >= SIZE) return;
    this.values[i][j] = Math.min(this.ink, this.values[i][j] + amount);
  }

  paint() {
    for (let i = 0; i < SIZE; i++) {
      for (let j = 0; j < SIZE; j++) {
        const v = this.values[i][j];
        const level = Math.round(255 - (v / this.ink) * 230);
        const cell = this.cells[i][j];
        cell.style.background = `rgb(${level}, ${level}, ${level})`;
        cell.setAttribute("aria-label", String(v));
      }
    }
  }

  onKey(e, i, j) {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key]) {
      e.preventDefault();
      const ni = Math.min(SIZE - 1, Math.max(0, i + moves[e.key][0]));
      const nj = Math.min(SIZE - 1, Math.max(0, j + moves[e.key][1]));
      this.cells[i][j].tabIndex = -1;
      this.cells[ni][nj].tabIndex = 0;
      this.cells[ni][nj].focus();
    } else if (e.key === " " || e.key === "Enter") {
      e.preventDefault();
      this.values[i][j] = this.values[i][j] > 0 ? 0 : this.ink;
      this.paint();
      this.commit(this.values);
    }
  }
}
