/**
 * Parameter names that ask the model for a secret. A tool that starts asking for one is a
 * classic way to make the model paste credentials from its context into a call.
 */
const SENSITIVE_WORDS = new Set([
  'apikey', 'token', 'tokens', 'secret', 'secrets', 'password', 'passwords', 'passwd', 'pwd', 'passphrase',
  'credential', 'credentials', 'auth', 'authorization', 'cookie', 'cookies', 'session', 'sessionid',
  'bearer', 'jwt', 'privatekey', 'sshkey', 'accesskey', 'secretkey',
]);
/** Two-word forms, after splitting snake, kebab and camel case ("api_key", "privateKey"). */
const SENSITIVE_PAIRS = new Set(['apikey', 'privatekey', 'sshkey', 'accesskey', 'secretkey', 'authtoken', 'clientsecret']);
/** "max_tokens" counts tokens of text, it is not a credential. */
const COUNT_WORDS = new Set(['max', 'min', 'num', 'count', 'total']);

export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

export function isSensitiveName(name: string): boolean {
  const words = nameWords(name);
  return words.some((word, i) => {
    const prev = words[i - 1];
    if (prev !== undefined && SENSITIVE_PAIRS.has(prev + word)) return true;
    if (!SENSITIVE_WORDS.has(word)) return false;
    return !(word.startsWith('token') && prev !== undefined && COUNT_WORDS.has(prev));
  });
}

/**
 * Parameter names that ask the model about itself or its conversation: the caller's identity
 * ("llm_name", "ai_model_used"), what was said ("chat_history", "previous_messages") or what it
 * was told ("system_prompt"). A tool's job never needs them; a server that asks is profiling
 * the model or fishing for the context. ("model" alone is left out: many tools let the user
 * pick a model to run.)
 */
const SELF_WORDS = new Set(['llm', 'llms', 'assistant', 'chatbot']);
const CONTEXT_PAIRS: ReadonlyArray<[string, string]> = [
  ['chat', 'history'], ['conversation', 'history'], ['message', 'history'], ['conversation', 'context'], ['chat', 'context'],
  ['previous', 'messages'], ['prior', 'messages'], ['system', 'prompt'], ['system', 'instructions'], ['full', 'conversation'],
  ['ai', 'model'], ['ai', 'name'], ['model', 'identity'], ['caller', 'model'], ['agent', 'name'], ['agent', 'model'],
];

export function isOutOfScopeName(name: string): boolean {
  const words = nameWords(name);
  if (words.some((w) => SELF_WORDS.has(w)) && !words.includes('id')) return true;
  if (words.includes('conversation') && words.length <= 2) return true;
  return CONTEXT_PAIRS.some(([a, b]) => words.includes(a) && words.includes(b));
}
