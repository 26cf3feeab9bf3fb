// `*.spec.ts` beside the code are pure (nx run notifications:test-unit); `*.integration.spec.ts` start the
// service against real servers (notifications:test-integration); `test` runs both.
module.exports = { ...require('../../jest.preset.js'), displayName: 'notifications', rootDir: __dirname };
