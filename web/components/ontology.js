// The project's ontology (categorySchema): its tools, classifications and relations, nested
// classifications indented under what they belong to.
import { h } from '../dom.js';

function describe(entry, kind) {
  const tool = entry.tool ? ' · ' + entry.tool : '';
  const options =
    entry.options && entry.options.length
      ? ' · ' + entry.options.map((o) => o.value).join(', ')
      : '';
  return `${kind}${tool}${options}`;
}

export function ontologyView(schema) {
  const items = [];
  const add = (entry, kind, depth) => {
    items.push(
      h(
        'li',
        { style: `margin-left:${depth * 1.2}rem` },
        h('strong', {}, entry.title || entry.schemaId || '?'),
        ' ',
        h('span', { class: 'small muted' }, describe(entry, kind)),
      ),
    );
    for (const c of entry.classifications || []) add(c, 'classification', depth + 1);
  };
  for (const t of (schema && schema.tools) || []) add(t, 'tool', 0);
  for (const c of (schema && schema.classifications) || []) add(c, 'classification', 0);
  for (const r of (schema && schema.relations) || []) add(r, 'relation', 0);
  return h(
    'div',
    { 'aria-label': 'Ontology', role: 'region' },
    h('h3', { style: 'margin-top:.8rem' }, 'Ontology'),
    items.length
      ? h('ul', { class: 'small' }, ...items)
      : h(
          'p',
          { class: 'small muted' },
          'None yet: it is learned from imports, or set with xport client project schema set.',
        ),
  );
}
