// Segment builder: edits a condition tree (docs/segments.md) as nested groups and conditions, keeps the JSON in the
// form's hidden "definition" field, and tells htmx to refresh the live count ("tree-changed"). No inline scripts:
// the page's CSP allows only scripts from this server.
(function () {
  'use strict';
  const root = document.getElementById('builder');
  if (!root) {
    return;
  }
  const fields = JSON.parse(root.dataset.fields);
  const byKey = {};
  fields.forEach(function (f) { byKey[f.key] = f; });
  const labels = root.dataset;
  const hidden = document.getElementById('definition');
  const NO_VALUE = ['is_set', 'is_not_set', 'is_true', 'is_false', 'allowed', 'not_allowed'];
  const WHOLE = ['in_last_days', 'more_than_days_ago', 'in_last_hours', 'more_than_hours_ago', 'in_next_days', 'month_is'];
  const NUMERIC = ['number', 'count'];

  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }

  function select(cls, options, value) {
    const s = el('select', {'class': cls});
    options.forEach(function (o) {
      const opt = el('option', {value: o[0], text: o[1]});
      if (o[0] === value) { opt.selected = true; }
      s.appendChild(opt);
    });
    return s;
  }

  function group(kind, items, isRoot) {
    const g = el('div', {'class': 'seg-group card'});
    g.appendChild(select('seg-group-kind', [['all', labels.labelAll], ['any', labels.labelAny], ['none', labels.labelNone]], kind));
    const list = el('div', {'class': 'seg-items'});
    g.appendChild(list);
    (items || []).forEach(function (item) { list.appendChild(node(item)); });
    g.appendChild(el('button', {type: 'button', 'class': 'seg-add-condition', text: labels.labelCondition}));
    g.appendChild(el('button', {type: 'button', 'class': 'seg-add-group', text: labels.labelGroup}));
    if (!isRoot) {
      g.appendChild(el('button', {type: 'button', 'class': 'seg-remove', text: labels.labelRemove}));
    }
    return g;
  }

  function node(tree, isRoot) {
    if (tree.all) { return group('all', tree.all, isRoot); }
    if (tree.any) { return group('any', tree.any, isRoot); }
    if (tree.not) {
      const inner = tree.not;
      return group('none', inner.any ? inner.any : [inner], isRoot);
    }
    if (isRoot) { return group('all', [tree], true); }
    return condition(tree);
  }

  function condition(leaf) {
    const c = el('div', {'class': 'seg-condition'});
    const key = leaf.field || fields[0].key;
    c.appendChild(select('seg-field', fields.map(function (f) { return [f.key, f.key]; }), key));
    c.appendChild(el('span', {'class': 'seg-op-box'}));
    c.appendChild(el('span', {'class': 'seg-params'}));
    c.appendChild(el('span', {'class': 'seg-values'}));
    c.appendChild(el('button', {type: 'button', 'class': 'seg-remove', text: labels.labelRemove}));
    fieldChanged(c, leaf);
    return c;
  }

  function fieldChanged(c, leaf) {
    const f = byKey[c.querySelector('.seg-field').value];
    const opBox = c.querySelector('.seg-op-box');
    opBox.replaceChildren(select('seg-op', f.operators.map(function (o) { return [o, o]; }),
      leaf && leaf.op ? leaf.op : f.operators[0]));
    const params = c.querySelector('.seg-params');
    params.replaceChildren();
    f.parameters.forEach(function (p) {
      if (p === 'window') {
        const win = leaf && leaf.window ? leaf.window : {in_last_days: 7};
        const kind = Object.keys(win)[0];
        params.appendChild(select('seg-window-kind', WINDOWS.map(function (w) {
          return [w, labels['labelWindow' + camel(w)]];
        }), kind));
        params.appendChild(el('span', {'class': 'seg-window-box'}));
        windowChanged(c, win);
      } else if (p === 'per') {
        params.appendChild(select('seg-per', [['', labels.labelPerNone], ['sku', labels.labelPerSku],
          ['category', labels.labelPerCategory]], leaf && leaf.per ? leaf.per : ''));
      } else if (p !== 'tag_value') {
        const input = el('input', {type: 'text', 'class': 'seg-param', 'data-param': p,
          placeholder: labels['label' + p.charAt(0).toUpperCase() + p.slice(1)] || p});
        if (leaf && leaf[p]) { input.value = leaf[p]; }
        params.appendChild(input);
      }
    });
    opChanged(c, leaf);
  }

  // The window kinds of docs/segments.md, each with its inputs: [part, input type, label, default]
  const WINDOWS = ['in_last_days', 'days_ago_between', 'between', 'anniversary'];
  const WINDOW_PARTS = {
    in_last_days: [['days', 'number', 'labelDays', 7]],
    days_ago_between: [['from', 'number', 'labelWindowFrom', 30], ['to', 'number', 'labelWindowTo', 60]],
    between: [['from', 'date', 'labelWindowFrom', ''], ['to', 'date', 'labelWindowTo', '']],
    anniversary: [['months', 'number', 'labelWindowMonths', 12], ['in_next_days', 'number', 'labelWindowNext', 7]]
  };

  function camel(key) {
    return key.split('_').map(function (w) { return w.charAt(0).toUpperCase() + w.slice(1); }).join('');
  }

  function windowChanged(c, win) {
    const kind = c.querySelector('.seg-window-kind').value;
    const box = c.querySelector('.seg-window-box');
    const body = win && win[kind] !== undefined ? win[kind] : undefined;
    box.replaceChildren();
    WINDOW_PARTS[kind].forEach(function (part, i) {
      let value = part[3];
      if (Array.isArray(body)) { value = body[i]; } else if (body !== undefined && typeof body === 'object') {
        value = body[part[0]];
      } else if (body !== undefined) { value = body; }
      const input = el('input', {type: part[1], 'class': 'seg-window', 'data-part': part[0], value: String(value)});
      if (part[1] === 'number') { input.setAttribute('min', '0'); }
      box.appendChild(el('label', {}, [document.createTextNode(labels[part[2]] + ' '), input]));
    });
  }

  function windowOf(c) {
    const kind = c.querySelector('.seg-window-kind').value;
    const parts = Array.prototype.map.call(c.querySelectorAll('.seg-window'), function (i) {
      return i.type === 'number' && i.value !== '' && !isNaN(Number(i.value)) ? Number(i.value) : i.value;
    });
    const win = {};
    if (kind === 'in_last_days') {
      win[kind] = parts[0];
    } else if (kind === 'anniversary') {
      win[kind] = {months: parts[0], in_next_days: parts[1]};
    } else {
      win[kind] = parts;
    }
    return win;
  }

  function opChanged(c, leaf) {
    const f = byKey[c.querySelector('.seg-field').value];
    const op = c.querySelector('.seg-op').value;
    const box = c.querySelector('.seg-values');
    box.replaceChildren();
    const value = leaf ? leaf.value : undefined;
    if (NO_VALUE.indexOf(op) >= 0) { return; }
    function input(type, v) {
      const i = el('input', {type: type, 'class': 'seg-value'});
      if (v !== undefined && v !== null) { i.value = String(v); }
      return i;
    }
    if (op === 'between' || op === 'days_ago_between') {
      const type = f.type === 'timestamp' && op === 'between' ? 'date' : 'number';
      box.appendChild(input(type, Array.isArray(value) ? value[0] : undefined));
      box.appendChild(input(type, Array.isArray(value) ? value[1] : undefined));
    } else if ((op === 'in' || op === 'not_in') && f.type !== 'segment') {
      box.appendChild(input('text', Array.isArray(value) ? value.join(', ') : undefined));
    } else if (op === 'before' || op === 'on_or_after') {
      box.appendChild(input('date', value));
    } else if (WHOLE.indexOf(op) >= 0 || NUMERIC.indexOf(f.type) >= 0 || f.type === 'segment') {
      box.appendChild(input('number', value));
    } else if (f.choices.length > 0) {
      box.appendChild(select('seg-value', f.choices.map(function (v) { return [v, v]; }), value));
    } else {
      box.appendChild(input('text', value));
    }
  }

  function serialize(g) {
    const kind = g.querySelector(':scope > .seg-group-kind').value;
    const items = Array.prototype.map.call(g.querySelector(':scope > .seg-items').children, function (child) {
      return child.classList.contains('seg-group') ? serialize(child) : leafOf(child);
    });
    if (kind === 'none') { return {not: {any: items}}; }
    const tree = {};
    tree[kind] = items;
    return tree;
  }

  function leafOf(c) {
    const f = byKey[c.querySelector('.seg-field').value];
    const op = c.querySelector('.seg-op').value;
    const leaf = {field: f.key, op: op};
    c.querySelectorAll('.seg-param').forEach(function (p) {
      if (p.value.trim() !== '') {
        leaf[p.dataset.param] = p.value.trim();
      }
    });
    const per = c.querySelector('.seg-per');
    if (per && per.value !== '') { leaf.per = per.value; }
    if (c.querySelector('.seg-window-kind')) { leaf.window = windowOf(c); }
    const values = Array.prototype.map.call(c.querySelectorAll('.seg-value'), function (v) { return v.value; });
    const numeric = NUMERIC.indexOf(f.type) >= 0 || WHOLE.indexOf(op) >= 0 || op === 'days_ago_between'
      || f.type === 'segment';
    function typed(v) { return numeric && v !== '' && !isNaN(Number(v)) ? Number(v) : v; }
    if (NO_VALUE.indexOf(op) >= 0) {
      return leaf;
    }
    if (op === 'between' || op === 'days_ago_between') {
      leaf.value = values.map(typed);
    } else if ((op === 'in' || op === 'not_in') && f.type !== 'segment') {
      leaf.value = values[0].split(',').map(function (s) { return s.trim(); }).filter(function (s) { return s !== ''; });
    } else {
      leaf.value = typed(values[0]);
    }
    return leaf;
  }

  function changed() {
    hidden.value = JSON.stringify(serialize(root.firstElementChild));
    document.body.dispatchEvent(new Event('tree-changed'));
  }

  root.addEventListener('change', function (e) {
    const c = e.target.closest('.seg-condition');
    if (e.target.classList.contains('seg-field')) { fieldChanged(c); }
    if (e.target.classList.contains('seg-op')) { opChanged(c); }
    if (e.target.classList.contains('seg-window-kind')) { windowChanged(c); }
    changed();
  });
  root.addEventListener('input', function (e) {
    if (e.target.tagName === 'INPUT') { changed(); }
  });
  root.addEventListener('click', function (e) {
    const t = e.target;
    if (t.classList.contains('seg-add-condition')) {
      t.parentElement.querySelector(':scope > .seg-items').appendChild(condition({}));
    } else if (t.classList.contains('seg-add-group')) {
      t.parentElement.querySelector(':scope > .seg-items').appendChild(group('any', [], false));
    } else if (t.classList.contains('seg-remove')) {
      t.parentElement.remove();
    } else {
      return;
    }
    changed();
  });

  root.appendChild(node(JSON.parse(hidden.value || '{"all":[]}'), true));
  // the first count once htmx has processed the page
  document.addEventListener('DOMContentLoaded', changed);
})();
