// ESLint: oclif's shared config (typescript-eslint, unicorn, n, mocha, import), as oclif's own projects
// use it: with eslint-config-prettier turning the layout rules off (the code keeps one layout by review).
import {includeIgnoreFile} from '@eslint/compat'
import oclif from 'eslint-config-oclif'
import prettier from 'eslint-config-prettier'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export default [
  includeIgnoreFile(path.join(path.dirname(fileURLToPath(import.meta.url)), '.gitignore')),
  ...oclif,
  prettier,
  {
    rules: {
      // Backend and WordPress fields keep their wire names (post_types, fetch_limit): the contract, not a style.
      camelcase: 'off',
      // Declaration order is what users see: oclif lists flags in help, and --json prints keys, in that order.
      'perfectionist/sort-objects': 'off',
      'perfectionist/sort-interfaces': 'off',
      'perfectionist/sort-object-types': 'off',
      'perfectionist/sort-union-types': 'off',
      'perfectionist/sort-classes': 'off',
      'perfectionist/sort-switch-case': 'off',
      'perfectionist/sort-sets': 'off',
      // `const {secrets: _secrets, ...rest} = profile`: a leading underscore marks what is left out on purpose.
      '@typescript-eslint/no-unused-vars': ['error', {varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true}],
      // Class members keep the layout of oclif's own commands (a blank line between static properties); the
      // rule's fixer also strips their indentation.
      '@stylistic/lines-between-class-members': 'off',
      // File modes are bit masks (mode & 0o777).
      'no-bitwise': ['error', {allow: ['&']}],
      // These exist, stable in practice, on every Node the CLI supports (engines >=20.12, proved on 20 and 24 in
      // CI); the plugin's data marks them experimental. module.enableCompileCache is feature-detected.
      'n/no-unsupported-features/node-builtins': [
        'error',
        {ignores: ['fetch', 'import.meta.dirname', 'readline/promises', 'fs.cpSync', 'module.enableCompileCache', 'process.setSourceMapsEnabled']},
      ],
    },
  },
]
