// `*.spec.ts` beside the code are pure (nx run tracking:test-unit); `*.integration.spec.ts` start the
// service against real servers (tracking:test-integration); `test` runs both.
module.exports = { ...require('../../jest.preset.js'), displayName: 'tracking', rootDir: __dirname };
