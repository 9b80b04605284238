// Compact number grids: Python sends every cell's text and colour; this file lays them
// out (a band per layer, wrapping). unpack and ink (near-black or white text, whichever
// contrasts more) come from grid_format.js, prepended by ui/components/maps.py.

export default function maps({ data, parentElement }) {
  let root = parentElement.__convlabMaps;
  if (!root) {
    root = document.createElement("div");
    root.className = "mp-root";
    parentElement.appendChild(root);
    parentElement.__convlabMaps = root;
  }
  root.replaceChildren(...data.bands.map(band));
  const grids = data.bands.flatMap((b) => b.grids);
  const widest = Math.max(...grids.map((g) => g.values[0].length));
  const chars = Math.max(1, ...grids.flatMap((g) => g.text.flat().map((t) => t.length)));
  // The font a cell of this size gets (as maps.css computes it).
  const font = (cell) => Math.min(cell * 0.5, (cell - 4) / (chars * 0.6));
  // On a phone, shrink the cells (not below 16 px) so two of the widest grids share a line,
  // unless their numbers would drop below 10 px: then one grid a line. A grid alone in its
  // band keeps the whole line (and its numbers stay readable).
  const most = Math.min(2, Math.max(...data.bands.map((b) => b.grids.length)));
  const fit = () => {
    const width = root.clientWidth || 700;
    const size = (per) => {
      const share = Math.floor(((width - 14 * (per - 1)) / per - 2) / widest) - 1;
      return Math.max(16, Math.min(data.cell, share));
    };
    let cell = size(most);
    if (most > 1 && font(cell) < 10) cell = size(1);
    root.style.setProperty("--cell", `${cell}px`);
  };
  fit();
  if (!root.__observer) {
    root.__observer = new ResizeObserver(() => root.__fit());
    root.__observer.observe(root);
  }
  root.__fit = fit;
}

function band(b) {
  const box = document.createElement("section");
  if (b.title) {
    const title = document.createElement("p");
    title.className = "mp-title";
    title.textContent = b.title;
    box.appendChild(title);
  }
  const line = document.createElement("div");
  line.className = "mp-band";
  line.append(...b.grids.map(grid));
  box.appendChild(line);
  return box;
}

function grid(g) {
  const figure = document.createElement("figure");
  figure.className = "mp-grid-box";
  const caption = document.createElement("figcaption");
  caption.textContent = g.caption;
  const table = document.createElement("div");
  table.className = "mp-grid";
  table.setAttribute("role", "grid");
  table.setAttribute("aria-label", g.name);
  table.style.gridTemplateColumns = `repeat(${g.values[0].length}, var(--cell))`;
  // The text fits its cell: the longest number decides the grid's size (maps.css).
  table.style.setProperty("--chars", String(Math.max(1, ...g.text.flat().map((t) => t.length))));
  const flags = new Set((g.flags || []).map(([i, j]) => `${i},${j}`));
  const colors = unpack(g.colors);
  g.values.forEach((values, i) => {
    const row = document.createElement("div");
    row.className = "mp-row";
    row.setAttribute("role", "row");
    values.forEach((_, j) => {
      const cell = document.createElement("div");
      cell.className = "mp-cell";
      cell.setAttribute("role", "gridcell");
      cell.dataset.i = i;
      cell.dataset.j = j;
      cell.textContent = g.text[i][j];
      cell.setAttribute("aria-label", g.text[i][j]);
      cell.style.backgroundColor = colors[i][j];
      cell.style.color = ink(colors[i][j]);
      if (flags.has(`${i},${j}`)) cell.classList.add("mp-flag");
      row.appendChild(cell);
    });
    table.appendChild(row);
  });
  figure.append(caption, table);
  return figure;
}
