// `*.spec.ts` beside the code are pure (nx run identity:test-unit); `*.integration.spec.ts` start the
// service against real servers (identity:test-integration); `test` runs both.
module.exports = { ...require('../../jest.preset.js'), displayName: 'identity', rootDir: __dirname };
