// A component's code as it arrives: shared by code.js (which loads it) and stub.js (which
// waits for it), on globalThis.__convlabCode by component name.
function pending() {
  const entry = {};
  entry.promise = new Promise((resolve) => {
    entry.resolve = (lib) => {
      entry.lib = lib;
      resolve(lib);
    };
  });
  return entry;
}
