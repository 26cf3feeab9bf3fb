// The helpers are exercised by every spec that starts a private server; the NATS stand-in has its own.
module.exports = { ...require('../../jest.preset.js'), displayName: 'testing', rootDir: __dirname };
