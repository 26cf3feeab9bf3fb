// `*.spec.ts` beside the code are pure (nx run permits:test-unit); `*.integration.spec.ts` start
// permits on real PostgreSQL, NATS and S3 (permits:test-integration); `test` runs both.
// src/testing/ is the integration specs' harness, named .spec.ts only so the build and lint treat it
// as test code: no specs there.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'permits',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/src/testing/'],
};
