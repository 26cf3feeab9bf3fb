// Helpers for other projects' tests; they are exercised by every spec that starts a private server.
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'testing',
  rootDir: __dirname,
  passWithNoTests: true,
};
