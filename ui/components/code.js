// ConvLab's component code, once per page (ui/components/__init__.py): each component's
// JS module and CSS arrive here as data, in one element that stays the same on every run,
// so Streamlit sends it once and then a 40-byte reference to it; each component mounted
// on the page (its JS is stub.js) waits for its module here, then draws its own data.

export default function code({ data, parentElement }) {
  // Draws nothing: done once it has run (parentElement is the shadow root of its host).
  (parentElement.host ?? parentElement).setAttribute("data-convlab-drawn", "code");
  const all = (globalThis.__convlabCode ??= {});
  for (const [name, { js, css }] of Object.entries(data)) {
    const entry = (all[name] ??= pending());
    if (entry.loading) continue;
    entry.loading = true;
    const url = URL.createObjectURL(new Blob([js], { type: "text/javascript" }));
    import(url).then((module) => entry.resolve({ run: module.default, css }));
  }
}
