// Shared Jest settings. SWC compiles TypeScript (with decorator metadata, which Nest's DI needs)
// and the @berkas/* aliases are read from tsconfig.base.json so they are declared only once.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    path.join(__dirname, target),
  ]),
);

module.exports = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper,
  reporters: ['default', path.join(__dirname, 'scripts/lib/jest-summary-reporter.cjs')],
  testMatch: ['**/?(*.)+(spec|e2e-spec).ts'],
  // Integration specs start real servers; on a busy 2-core machine that takes more than Jest's 5 s.
  testTimeout: 60000,
};
