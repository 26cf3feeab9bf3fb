module.exports = { ...require('../../jest.preset.js'), displayName: 'permits', rootDir: __dirname };
