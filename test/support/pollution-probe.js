// Preloaded into an app under test (NODE_OPTIONS=--require): remembers the built-in prototypes' own keys at
// start, and on SIGUSR2 prints one JSON line naming every key added since, so a test can tell whether any
// request polluted a prototype in that process.
'use strict';
const watched = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype, String: String.prototype };
const baseline = Object.fromEntries(Object.entries(watched).map(([name, proto]) => [name, new Set(Reflect.ownKeys(proto).map(String))]));
process.on('SIGUSR2', () => {
  const added = {};
  for (const [name, proto] of Object.entries(watched)) {
    const keys = Reflect.ownKeys(proto)
      .map(String)
      .filter((key) => !baseline[name].has(key));
    if (keys.length > 0) added[name] = keys;
  }
  process.stdout.write(`${JSON.stringify({ pollution_probe: added, polluted_plain_object: Object.keys({}.__proto__).length > 0 || 'polluted' in {} })}\n`);
});
