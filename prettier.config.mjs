// Options chosen to reproduce the existing code: of the widths measured (100 to 200), 170 changed the fewest lines
// with `prettier --write` (YAML keeps its double quotes).
/** @type {import('prettier').Config} */
export default {
  printWidth: 170,
  singleQuote: true,
  trailingComma: 'all',
  overrides: [{ files: ['*.yml', '*.yaml'], options: { singleQuote: false } }],
};
