// The photo probe: a photo and its filtered map on canvases. Under the pointer (mouse,
// pen or a finger), a small grid shows the f×f numbers under the filter, their products
// (multiplied here for display only) and the sum, read from cnn_core's output as sent.
// Data format: ui/photo_probe.py, encode(). (fmt and factor: ui/grid_format.js.)

export default function photoProbe({ data, parentElement }) {
  let view = parentElement.__convlabProbe;
  if (!view) {
    view = new Probe(parentElement);
    parentElement.__convlabProbe = view;
  }
  view.show(decode(data));
}

function decode(data) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  // Copy so the float arrays start on a 4-byte boundary whatever the buffer's offset.
  const buffer = bytes.slice().buffer;
  const size = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, size)));
  const nIn = header.input[0] * header.input[1];
  const nOut = header.output[0] * header.output[1];
  const input = new Float32Array(buffer, 4 + size, nIn);
  const output = new Float32Array(buffer, 4 + size + 4 * nIn, nOut);
  return { header, input, output };
}

class Probe {
  constructor(host) {
    this.root = document.createElement("div");
    this.root.className = "pp-root";
    host.appendChild(this.root);
  }

  show({ header, input, output }) {
    this.h = header;
    this.input = input;
    this.output = output;
    this.f = header.weights.length;
    this.root.replaceChildren();
    const pictures = document.createElement("div");
    pictures.className = "pp-pictures";
    this.root.appendChild(pictures);
    const [nH, nW] = header.input;
    const [oH, oW] = header.output;
    this.inputView = this.picture(pictures, header.titles[0], nH, nW, (k) => {
      const g = Math.max(0, Math.min(255, Math.round(input[k])));
      return [g, g, g];
    });
    this.outputView = this.picture(pictures, header.titles[1], oH, oW, (k) => this.color(output[k]));
    // The numbers sit beside the pictures where there is room (a laptop), so that the
    // table under the pointer is on screen with the photo; below them on a phone.
    const numbers = document.createElement("div");
    numbers.className = "pp-numbers";
    this.root.appendChild(numbers);
    this.probe = document.createElement("div");
    this.probe.className = "pp-probe";
    numbers.appendChild(this.probe);
    this.line = document.createElement("div");
    this.line.className = "pp-line";
    this.line.setAttribute("aria-live", "polite");
    numbers.appendChild(this.line);
    this.point(Math.floor(oH / 2), Math.floor(oW / 2));
  }

  // The map's colours, as ui.grids.to_display: diverging for signed values, grey for |z|.
  color(z) {
    const peak = this.h.peak || 1;
    if (this.h.view === "signed") {
      const k = Math.max(0, Math.min(255, Math.round((z / peak + 1) * 127.5)));
      return this.h.lut.slice(3 * k, 3 * k + 3);
    }
    const shown = this.h.view === "relu" ? Math.max(z, 0) : Math.abs(z);
    const g = Math.max(0, Math.min(255, Math.round((shown * 255) / peak)));
    return [g, g, g];
  }

  picture(parent, title, rows, cols, rgb) {
    const figure = document.createElement("figure");
    figure.className = "pp-figure";
    const caption = document.createElement("figcaption");
    caption.textContent = title;
    const frame = document.createElement("div");
    frame.className = "pp-frame";
    const canvas = document.createElement("canvas");
    canvas.width = cols;
    canvas.height = rows;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `${title}, ${cols}×${rows} pixels`);
    const pixels = canvas.getContext("2d").createImageData(cols, rows);
    for (let k = 0; k < rows * cols; k++) {
      const [r, g, b] = rgb(k);
      pixels.data.set([r, g, b, 255], 4 * k);
    }
    canvas.getContext("2d").putImageData(pixels, 0, 0);
    const marker = document.createElement("div");
    marker.className = "pp-marker";
    frame.append(canvas, marker);
    figure.append(caption, frame);
    parent.appendChild(figure);
    const view = { canvas, marker, rows, cols };
    // A finger on the picture moves the probe, not the page (touch-action: none).
    for (const type of ["pointermove", "pointerdown"]) {
      canvas.addEventListener(type, (e) => this.onPointer(e, view));
    }
    return view;
  }

  onPointer(e, view) {
    const box = view.canvas.getBoundingClientRect();
    const c = Math.floor(((e.clientX - box.left) / box.width) * view.cols);
    const r = Math.floor(((e.clientY - box.top) / box.height) * view.rows);
    // On the input the pointer is the window's centre; on the map, the output pixel.
    const half = view === this.inputView ? Math.floor(this.f / 2) : 0;
    const [oH, oW] = this.h.output;
    this.point(Math.min(oH - 1, Math.max(0, r - half)), Math.min(oW - 1, Math.max(0, c - half)));
  }

  point(i, j) {
    if (this.at && this.at[0] === i && this.at[1] === j) return;
    this.at = [i, j];
    const f = this.f;
    const [, nW] = this.h.input;
    const [, oW] = this.h.output;
    this.place(this.inputView, i, j, f);
    this.place(this.outputView, i, j, 1);
    const table = document.createElement("div");
    table.className = "pp-table";
    table.style.gridTemplateColumns = `repeat(${f}, auto)`;
    const terms = [];
    for (let r = 0; r < f; r++) {
      for (let c = 0; c < f; c++) {
        const x = this.input[(i + r) * nW + (j + c)];
        const w = this.h.weights[r][c];
        const cell = document.createElement("div");
        cell.className = "pp-cell";
        const top = document.createElement("span");
        top.textContent = `${fmt(round(x))}×${factor(w)}`;
        const bottom = document.createElement("b");
        bottom.textContent = fmt(round(x * w));
        cell.append(top, bottom);
        table.appendChild(cell);
      }
    }
    for (let c = 0; c < f; c++) {
      for (let r = 0; r < f; r++) terms.push(fmt(round(this.input[(i + r) * nW + (j + c)] * this.h.weights[r][c])));
    }
    const total = fmt(round(this.output[i * oW + j]));
    const heading = document.createElement("p");
    heading.className = "pp-heading";
    heading.textContent = `Under the filter at output row ${i}, column ${j}: pixel × weight, and the product`;
    this.probe.replaceChildren(heading, table);
    const sum = terms.map((t) => (t.startsWith("\u2212") ? `(${t})` : t)).join(" + ");
    const z = this.output[i * oW + j];
    const relu = this.h.view === "relu" ? `; ReLU: max(0, ${total}) = ${fmt(round(Math.max(z, 0)))}` : "";
    this.line.textContent = `Output (${i}, ${j}) = ${sum} = ${total}${relu}`;
  }

  place(view, i, j, size) {
    const box = view.marker.style;
    box.left = `${(100 * j) / view.cols}%`;
    box.top = `${(100 * i) / view.rows}%`;
    box.width = `max(${(100 * size) / view.cols}%, 9px)`;
    box.height = `max(${(100 * size) / view.rows}%, 9px)`;
  }
}

// Photos are grey levels with fractions: shown to 1 decimal, as a person would read them.
function round(v) {
  return Math.round(v * 10) / 10;
}
