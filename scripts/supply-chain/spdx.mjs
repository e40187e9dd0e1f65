// Decides whether an SPDX licence expression is allowed by a list of licence ids.
// Hand-written (about 40 lines) rather than adding spdx-expression-parse + spdx-satisfies as
// dependencies: the grammar needed is ids, `+`, WITH, AND, OR and parentheses, nothing more.
// WITH adds an exception, which by SPDX's definition only grants extra permissions, so
// `X WITH e` is allowed when X is. Anything unparsable is refused, never guessed.

/** @param {string} expression @param {Set<string>} allowed @returns {boolean} */
export function licenceAllowed(expression, allowed) {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const take = () => tokens[pos++];

  function primary() {
    const token = take();
    if (token === undefined) throw new Error('expression ends early');
    if (token === '(') {
      const value = orExpr();
      if (take() !== ')') throw new Error('missing )');
      return value;
    }
    if (/^(AND|OR|WITH|\))$/i.test(token)) throw new Error(`unexpected ${token}`);
    if (peek()?.toUpperCase() === 'WITH') {
      take();
      if (take() === undefined) throw new Error('WITH names no exception');
    }
    return allowed.has(token.replace(/\+$/, ''));
  }
  function andExpr() {
    let value = primary();
    while (peek()?.toUpperCase() === 'AND') { take(); value = primary() && value; }
    return value;
  }
  function orExpr() {
    let value = andExpr();
    while (peek()?.toUpperCase() === 'OR') { take(); value = andExpr() || value; }
    return value;
  }

  try {
    const value = orExpr();
    return pos === tokens.length && tokens.length > 0 && value;
  } catch {
    return false;
  }
}
