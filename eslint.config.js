// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The rooms of DESIGN.md §1 and what each may import. Arrows point one way: the engine
 * imports nothing of ours but src/input (the bounded JSON reader every edge shares), and
 * only src/main and src/preload may touch Electron.
 */
const ROOMS = ['input', 'engine', 'proxy', 'clients', 'host', 'cli', 'main', 'preload', 'renderer', 'shared'];
const MAY_IMPORT = {
  // The strict, bounded reading of input every edge shares; a leaf, so every room may use it.
  input: [],
  engine: ['input'],
  proxy: ['input', 'engine'],
  clients: ['input'],
  host: ['input', 'engine', 'proxy', 'clients', 'shared'],
  cli: ['input', 'engine', 'proxy', 'clients', 'host', 'shared'],
  main: ['input', 'engine', 'proxy', 'clients', 'host', 'shared'],
  preload: ['input', 'shared'],
  renderer: ['input', 'shared'],
  shared: ['input'],
};

const electronOnlyInMain = {
  name: 'electron',
  message: 'Only src/main and src/preload may import electron (DESIGN.md §1); take what you need through a small interface instead.',
};

function roomRules(room) {
  const forbidden = ROOMS.filter((r) => r !== room && !MAY_IMPORT[room].includes(r));
  const allowsElectron = room === 'main' || room === 'preload';
  return {
    files: [`src/${room}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: allowsElectron ? [] : [electronOnlyInMain],
          patterns: forbidden.length === 0 ? [] : [
            {
              regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
              message: `src/${room} may import only ${MAY_IMPORT[room].length ? MAY_IMPORT[room].map((r) => `src/${r}`).join(', ') : 'nothing of ours'} (DESIGN.md §1).`,
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'release/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [electronOnlyInMain] }],
    },
  },
  { files: ['src/renderer/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], rules: { '@typescript-eslint/consistent-type-imports': 'off' } },
  ...ROOMS.map(roomRules),
);
