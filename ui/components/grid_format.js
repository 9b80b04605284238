// Shared by ConvLab's browser components: numbers written as a student should read them.
// Mirrors ui.formulas.number (no float noise, whole numbers without a decimal point below
// 10,000, else 4 significant digits, 109.8k for large ones, never "e" notation, a real
// minus sign); tests/ui/test_components.py checks the two agree.

const MINUS = "\u2212";
const NOISE = 1e-9;
const DIGITS = 4;
const SUFFIXES = { 1: "k", 2: "M", 3: "B", 4: "T" };
// Exponents as superscripts: 2.5×10⁻⁵, never 2.5e−05.
const SUPERSCRIPT = Object.fromEntries([..."-0123456789"].map((c, k) => [c, "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"[k]]));

export function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  const whole = Math.round(v);
  if (Math.abs(v - whole) <= NOISE * Math.max(1, Math.abs(v))) v = whole;
  if (v === 0) return "0";
  const sign = v < 0 ? MINUS : "";
  const a = Math.abs(v);
  if (v === whole && a < 10000) return sign + String(a);
  // toExponential rounds half away from zero on the exact value, as Python's side does.
  const [mantissa, power] = a.toExponential(DIGITS - 1).split("e");
  const digits = mantissa.replace(".", "");
  const exp = Number(power);
  if (exp >= -4 && exp < 4) return sign + place(digits, exp + 1);
  if (exp >= 4 && exp < 15) {
    const group = Math.floor(exp / 3);
    return sign + place(digits, exp - 3 * group + 1) + SUFFIXES[group];
  }
  const sup = [...String(exp)].map((c) => SUPERSCRIPT[c]).join("");
  return `${sign}${place(digits, 1)}\u00d710${sup}`;
}

// The digits with the decimal point after `point` of them, trailing zeros dropped.
function place(digits, point) {
  let text;
  if (point <= 0) text = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + "0".repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

// A number inside a product: negative ones in brackets, 8×(−1) (noise such as −1e−15 is 0).
export function factor(v) {
  const text = fmt(v);
  return text.startsWith(MINUS) ? `(${text})` : text;
}

// Near-black (#111111) or white text, whichever has the higher contrast on a cell colour
// "#rrggbb" (ui/colors.py keeps every cell colour at 4.5:1 or more with the better one).
const INK_DARK_LUM = 0.005605; // #111111
export function ink(hex) {
  const c = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16) / 255);
  const lin = c.map((u) => (u <= 0.03928 ? u / 12.92 : ((u + 0.055) / 1.055) ** 2.4));
  const lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  return (lum + 0.05) / (INK_DARK_LUM + 0.05) >= 1.05 / (lum + 0.05) ? "#111111" : "#ffffff";
}

// A grid's colours as Python sends them (ui.figures.colors.indexed_colors): a palette and
// each cell's place in it.
export function unpack(colors) {
  return colors.index.map((row) => row.map((k) => colors.palette[k]));
}
