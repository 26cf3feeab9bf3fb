/**
 * Levy formulas (retribusi) from workflow definitions, e.g. `round(floorArea * 10000 * buildingIndex)`:
 * numbers, form field names, + - * / ( ), and min, max, round. Parsed here, never `eval`ed: a formula
 * is data an operator edits, and a form value is input from outside.
 */

type Token = { kind: 'num'; value: number } | { kind: 'id'; name: string } | { kind: 'op'; op: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/(),]))/y;
  let at = 0;
  while (at < source.length) {
    re.lastIndex = at;
    const m = re.exec(source);
    if (!m) {
      if (/^\s*$/.test(source.slice(at))) break;
      throw new Error(`unexpected character at ${at}: ${source.slice(at, at + 10)}`);
    }
    at = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: 'id', name: m[2] });
    else tokens.push({ kind: 'op', op: m[3] });
  }
  return tokens;
}

const FUNCTIONS: Record<string, (...xs: number[]) => number> = {
  min: (...xs) => Math.min(...xs),
  max: (...xs) => Math.max(...xs),
  round: (x) => Math.round(x),
};

/** Evaluates a formula with the form's values; throws with a reason when it cannot. */
export function evaluateFee(formula: string, form: Record<string, unknown>): number {
  const tokens = tokenize(formula);
  let i = 0;
  const peek = () => tokens[i];
  const take = (op?: string) => {
    const t = tokens[i++];
    if (!t || (op && (t.kind !== 'op' || t.op !== op)))
      throw new Error(`expected ${op ?? 'a value'} in ${formula}`);
    return t;
  };
  // expression := term (('+' | '-') term)* ; term := factor (('*' | '/') factor)* ; factor := number | field | fn(args) | (expr) | -factor
  const expression = (): number => {
    let value = term();
    for (let t = peek(); t?.kind === 'op' && (t.op === '+' || t.op === '-'); t = peek()) {
      i++;
      value = t.op === '+' ? value + term() : value - term();
    }
    return value;
  };
  const term = (): number => {
    let value = factor();
    for (let t = peek(); t?.kind === 'op' && (t.op === '*' || t.op === '/'); t = peek()) {
      i++;
      const right = factor();
      if (t.op === '/' && right === 0) throw new Error('division by zero');
      value = t.op === '*' ? value * right : value / right;
    }
    return value;
  };
  const factor = (): number => {
    const t = take();
    if (t.kind === 'num') return t.value;
    if (t.kind === 'op' && t.op === '-') return -factor();
    if (t.kind === 'op' && t.op === '(') {
      const value = expression();
      take(')');
      return value;
    }
    if (t.kind === 'id') {
      const fn = FUNCTIONS[t.name];
      if (fn && peek()?.kind === 'op' && (peek() as { op: string }).op === '(') {
        take('(');
        const args = [expression()];
        while (peek()?.kind === 'op' && (peek() as { op: string }).op === ',') {
          i++;
          args.push(expression());
        }
        take(')');
        return fn(...args);
      }
      const value = form[t.name];
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new Error(`the form has no number ${t.name}`);
      return value;
    }
    throw new Error(`unexpected ${t.op} in ${formula}`);
  };
  const result = expression();
  if (i !== tokens.length) throw new Error(`unexpected text after the formula: ${formula}`);
  if (!Number.isFinite(result) || result < 0) throw new Error(`the levy came out as ${result}`);
  return Math.round(result);
}

/** The form fields a formula reads, in the order it first names them (not its functions). */
export function formulaInputs(formula: string): string[] {
  const names = tokenize(formula).flatMap((t, i, all) => {
    if (t.kind !== 'id') return [];
    const next = all[i + 1];
    const call = FUNCTIONS[t.name] && next?.kind === 'op' && next.op === '(';
    return call ? [] : [t.name];
  });
  return [...new Set(names)];
}
