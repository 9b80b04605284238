// One component's stand-in (ui/components/__init__.py): its code comes once per page in
// code.js; this draws the component's data with it, at once when it has loaded.
const NAME = "__NAME__";

export default function stub(args) {
  const all = (globalThis.__convlabCode ??= {});
  const entry = (all[NAME] ??= pending());
  let stop = null;
  let gone = false;
  const run = (lib) => {
    if (gone) return;
    const host = args.parentElement;
    if (!host.querySelector(":scope > style[data-convlab]")) {
      const style = document.createElement("style");
      style.dataset.convlab = NAME;
      style.textContent = lib.css;
      host.prepend(style);
    }
    stop = lib.run(args);
    // Drawn: tests wait for this (bench.server.wait_for_components).
    (host.host ?? host).setAttribute("data-convlab-drawn", NAME);
  };
  if (entry.lib) run(entry.lib);
  else entry.promise.then(run);
  return () => {
    gone = true;
    if (typeof stop === "function") stop();
  };
}
