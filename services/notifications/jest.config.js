// `*.spec.ts` beside the code are pure (nx run notifications:test-unit); `*.integration.spec.ts` start
// the service on real PostgreSQL, NATS and the providers' stand-ins (notifications:test-integration).
// src/testing/ is the integration specs' harness, named .spec.ts only so the build and lint treat it
// as test code: no specs there.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'notifications',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/src/testing/'],
};
