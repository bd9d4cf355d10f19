// SQL lives only in src/database: knex is imported there (and by tests and the bench
// tooling, which set up databases), nowhere else in the plugin.
const KNEX_ONLY_IN_DATABASE = {
  name: 'knex',
  message:
    'SQL lives in src/database: add or extend a store there and depend on its interface.',
};

module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  restrictedSrcImports: [KNEX_ONLY_IN_DATABASE],
  overrides: [
    {
      files: ['src/database/**'],
      excludedFiles: ['**/*.test.*'],
      rules: {
        // The factory's defaults, without the knex restriction.
        'no-restricted-imports': [
          2,
          {
            patterns: [
              '*.stories*',
              '*.test*',
              '**/__testUtils__/**',
              '**/__mocks__/**',
            ],
          },
        ],
      },
    },
  ],
});
