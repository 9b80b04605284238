// Shared by ConvLab's browser components: numbers written as the notes write them.
// Mirrors ui.formulas.number (whole numbers without a decimal point, 4 significant
// digits otherwise, a real minus sign); tests/ui/test_components.py checks the two agree.

const MINUS = "\u2212";

export function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  let text;
  if (Number.isInteger(v) && Math.abs(v) < 1e15) {
    text = String(v);
  } else {
    // Like Python's "%.4g": fixed notation for exponents −4 … 3, else scientific.
    const exp = Math.floor(Math.log10(Math.abs(v)));
    if (exp < -4 || exp >= 4) {
      const [mantissa, power] = v.toExponential(3).split("e");
      const sign = power[0] === "-" ? "-" : "+";
      const digits = power.slice(1).padStart(2, "0");
      text = `${trimZeros(mantissa)}e${sign}${digits}`;
    } else {
      text = trimZeros(v.toFixed(Math.max(0, 3 - exp)));
    }
  }
  return text.replaceAll("-", MINUS);
}

function trimZeros(text) {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

// A number inside a product: negative ones in brackets, 8×(−1).
export function factor(v) {
  return v < 0 ? `(${fmt(v)})` : fmt(v);
}

// Black or white text, whichever reads better on a cell colour "#rrggbb".
export function ink(hex) {
  const c = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16) / 255);
  const lin = c.map((u) => (u <= 0.03928 ? u / 12.92 : ((u + 0.055) / 1.055) ** 2.4));
  const lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  return (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) ? "#111111" : "#ffffff";
}
