// Config JSON validation as the user types: the text must be a JSON object. Errors carry
// line and column, computed from JSON.parse's "position N" (or taken from its message).
export function lineCol(text, pos) {
  let line = 1,
    col = 1;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return { line, col };
}

export function checkConfig(text) {
  if (text.trim() === '')
    return { ok: false, error: 'Config JSON is empty: enter a JSON object, e.g. {}' };
  try {
    const v = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      return {
        ok: false,
        error:
          'Config JSON must be a JSON object ({ … }), not ' +
          (Array.isArray(v)
            ? 'an array'
            : typeof v === 'string'
              ? 'a string'
              : String(v === null ? 'null' : typeof v)),
      };
    }
    return { ok: true, value: v };
  } catch (e) {
    const msg = String(e.message);
    let where = '';
    const lc = /line (\d+) column (\d+)/.exec(msg);
    const pos = /position (\d+)/.exec(msg);
    if (lc) where = `line ${lc[1]}, column ${lc[2]}`;
    else if (pos) {
      const p = lineCol(text, Number(pos[1]));
      where = `line ${p.line}, column ${p.col}`;
    } else if (/end of (JSON )?input/i.test(msg)) {
      const p = lineCol(text, text.length);
      where = `line ${p.line}, column ${p.col}`;
    }
    const clean = msg
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/ in JSON at position \d+/, '')
      .replace(/^JSON\.parse: /, '');
    return { ok: false, error: `Invalid JSON${where ? ' at ' + where : ''}: ${clean}` };
  }
}

// Wires a textarea and its error element: aria-invalid + message on every input.
export function bindConfigField(textarea, errorEl, onChange = () => {}) {
  const run = () => {
    const r = checkConfig(textarea.value);
    textarea.setAttribute('aria-invalid', r.ok ? 'false' : 'true');
    errorEl.textContent = r.ok ? '' : r.error;
    onChange(r.ok);
    return r.ok;
  };
  textarea.addEventListener('input', run);
  run();
  return run;
}
