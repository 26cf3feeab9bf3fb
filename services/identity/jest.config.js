// No domain specs yet: the service's wiring is exercised end to end in test/foundation.e2e-spec.ts.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'identity',
  rootDir: __dirname,
  passWithNoTests: true,
};
