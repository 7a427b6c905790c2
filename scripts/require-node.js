// Plain JavaScript on purpose: it runs before the build, on whatever Node is on the PATH, and stops at once
// with the version the platform needs (package.json "engines") instead of failing later in a stranger way.
/* global console */
'use strict';
const { engines } = require('../package.json');

const needed = Number(/\d+/.exec(engines.node)[0]);
const [major] = process.versions.node.split('.').map(Number);
if (major < needed) {
  console.error(
    `This platform needs Node.js ${engines.node} (Node ${needed} LTS); this is Node ${process.versions.node}.\n` +
      `Install Node ${needed} (see .nvmrc and the README's "Set-up") and run the command again.`,
  );
  process.exit(1);
}
