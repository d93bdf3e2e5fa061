/*
 * Visual journey editor (docs/journeys.md, "Console"). The definition's JSON in the form's textarea is the one truth:
 * the palette, the canvas and the side panel edit the parsed object and write it back, and typing in the textarea
 * redraws them. Drag with pointer events (mouse, pen, touch): a palette entry onto the canvas adds a step where it is
 * dropped, a step's handle moves it, a step's connector (next / then / else / an arm) dropped on another step
 * connects them. Without a pointer: a palette button adds after the selected step, Alt+↑/↓ moves the focused step,
 * Delete removes it, Enter opens it in the side panel, where every connection is a select.
 * Fields the editor does not know (a step or trigger type added to the engine later, or an unknown key) are kept as
 * they are and edited as raw JSON in the panel. No inline scripts: the console's CSP allows only this server's files.
 * The canvas is a layered flow chart drawn by hand: the trigger on top, each step one layer below the furthest step
 * leading to it (connections to an earlier step in the list are loops, drawn round the side), the arms of a branch
 * or split side by side under it, arrows in an SVG behind the cards. Pickers (event types, tags, rewards, templates,
 * segments) are a search box over a select, filled from /journeys/editor/choices. Undo / redo keep the texts of the
 * definition before each change (typing in one field is one change), kept in sessionStorage per journey.
 */
(function () {
  'use strict';

  var root = document.getElementById('journey-editor');
  var textarea = document.getElementById('definition');
  if (!root || !textarea) {
    return;
  }
  var config = JSON.parse(root.getAttribute('data-config'));
  var L = config.labels;
  var readOnly = root.hasAttribute('data-read-only');

  /*
   * Known fields per step type: [key, kind]; kinds: text, duration, number, step, json, and the pickers (a search
   * over a catalogue): event, tag, reward, template, segment.
   */
  var STEP_FIELDS = {
    wait: [['duration', 'duration'], ['until', 'text'], ['event', 'event'], ['timeout', 'duration'],
      ['then', 'step'], ['else', 'step']],
    send: [['template', 'template'], ['variables', 'json']],
    branch: [['condition.event', 'event'], ['condition.message', 'step'], ['condition.engagement', 'text'],
      ['then', 'step'], ['else', 'step']],
    split: [],
    tag: [['tag', 'tag']],
    untag: [['tag', 'tag']],
    points: [['points', 'number']],
    coupon: [['reward', 'reward']],
    task: [['kind', 'text'], ['title', 'text'], ['assignee', 'text'], ['role', 'text'], ['due', 'duration']],
    goal: [],
    exit: []
  };
  var TRIGGER_FIELDS = {
    event: [['event', 'event'], ['filter', 'json']],
    absence: [['event', 'event'], ['filter', 'json'], ['missing', 'event'], ['within', 'duration']],
    date: [['field', 'text'], ['offsetDays', 'number'], ['at', 'text']],
    manual: [],
    score: [['score', 'text'], ['to', 'text'], ['from', 'text']],
    count: [['event', 'event'], ['filter', 'json'], ['per', 'text'], ['moreThan', 'number'], ['within', 'duration']],
    segment: [['segment', 'segment'], ['on', 'text']]
  };
  var PICKERS = ['event', 'tag', 'reward', 'template', 'segment'];
  var FIELD_LABELS = {'condition.event': 'conditionEvent', 'condition.message': 'conditionMessage',
    'condition.engagement': 'engagement'};
  var DEFAULTS = {
    wait: {duration: 'P1D'}, branch: {condition: {event: 'order'}}, split: {branches: []}, points: {points: 100},
    coupon: {reward: ''}, tag: {tag: ''}, untag: {tag: ''},
    task: {kind: 'care-call', title: '', role: 'service_agent', due: 'P1D'}
  };

  var def = null;           // the parsed definition
  var selected = null;      // null: the journey (name, trigger); else the selected step object
  var problemsById = {};    // step id -> messages, from the last save
  var journeyProblems = [];
  var choices = {};         // picker kind -> [{value, label, variables}], from the server
  var history = {undo: [], redo: [], text: textarea.value, key: null};  // texts of the definition before each change
  var editKey = null;       // the field being typed in: its keystrokes make one change

  var SVG = 'http://www.w3.org/2000/svg';
  var CARD_WIDTH = 230;
  var GAP_X = 40;
  var GAP_Y = 36;
  var PAD = 16;

  var palette = el('div', {'class': 'je-palette', id: 'je-palette', role: 'toolbar', 'aria-label': L.palette});
  var canvas = el('ol', {'class': 'je-canvas', id: 'je-canvas', 'aria-label': L.canvas});
  var panel = el('div', {'class': 'je-panel card', id: 'je-panel', 'aria-live': 'polite'});
  var jsonState = el('p', {'class': 'error', id: 'je-json-state', hidden: 'hidden', text: L.invalidJson});
  var triggerCard = el('button', {type: 'button', 'class': 'je-trigger', id: 'je-trigger'});
  var edges = document.createElementNS(SVG, 'svg');
  edges.setAttribute('class', 'je-edges');
  edges.setAttribute('id', 'je-edges');
  edges.setAttribute('aria-hidden', 'true');
  var indicator = el('div', {'class': 'je-drop', 'aria-hidden': 'true', text: L.dropHere});
  var graph = el('div', {'class': 'je-graph', id: 'je-graph'}, [triggerCard, canvas]);
  graph.insertBefore(edges, graph.firstChild);
  var undoButton = el('button', {type: 'button', id: 'je-undo', disabled: 'disabled', title: L.undoHelp,
    text: '↶ ' + L.undo});
  var redoButton = el('button', {type: 'button', id: 'je-redo', disabled: 'disabled', title: L.undoHelp,
    text: '↷ ' + L.redo});
  var toolbar = el('div', {'class': 'je-toolbar'}, [undoButton, redoButton]);
  var canvasWrap = el('div', {'class': 'je-canvas-wrap'}, [graph]);
  root.appendChild(el('div', {'class': 'je-palette-wrap'}, [el('h3', {text: L.palette}), palette,
    el('p', {'class': 'muted', text: L.moveHelp}), el('p', {'class': 'muted', text: L.undoHelp})]));
  root.appendChild(el('div', {'class': 'je-canvas-col'}, readOnly ? [canvasWrap] : [toolbar, canvasWrap]));
  root.appendChild(panel);
  textarea.parentNode.insertBefore(jsonState, textarea);

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') {
        e.textContent = attrs[k];
      } else {
        e.setAttribute(k, attrs[k]);
      }
    });
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }

  function stepLabel(type) {
    return config.stepLabels[type] || type;
  }

  function steps() {
    if (!Array.isArray(def.steps)) {
      def.steps = [];
    }
    return def.steps;
  }

  function ids() {
    return steps().map(function (s) { return s.id; });
  }

  /* ---- reading and writing the JSON ---- */

  /* While the JSON text does not parse, the visual editor changes nothing: it would overwrite what is being typed. */
  function editable() {
    return !readOnly && jsonState.hidden;
  }

  function write() {
    if (!editable()) {
      return;
    }
    var text = JSON.stringify(def, null, 2);
    remember(text, editKey);
    editKey = null;
    textarea.value = text;
    jsonState.hidden = true;
    textarea.classList.remove('invalid');
    drawCanvas();
  }

  /* ---- undo and redo: the definition's text before each change; keystrokes in one field are one change ---- */

  /** Adds a text to the undo list, which keeps the last 200. */
  function pushUndo(text) {
    history.undo.push(text);
    if (history.undo.length > 200) {
      history.undo.shift();
    }
  }

  function remember(text, key) {
    if (text === history.text) {
      return;
    }
    if (!key || key !== history.key) {
      pushUndo(history.text);
    }
    history.redo = [];
    history.key = key || null;
    history.text = text;
    keep();
    historyButtons();
  }

  /*
   * The history outlives the page: it is kept in sessionStorage per journey (the form's address; a journey not yet
   * saved has none, so its history lasts as long as the page). Coming back to a page that shows another text than
   * the history's latest (changes left unsaved, or a version saved since) puts that latest text one undo away.
   */
  var action = textarea.form ? textarea.form.getAttribute('action') : null;
  var historyKey = action && !/\/new$/.test(action) ? 'rapport.journey-editor.history:' + action : null;

  function keep() {
    if (!historyKey) {
      return;
    }
    try {
      sessionStorage.setItem(historyKey, JSON.stringify({undo: history.undo, redo: history.redo, text: history.text}));
    } catch (e) {
      // storage full or switched off: the history lasts as long as the page
    }
  }

  function recall() {
    var kept = null;
    try {
      kept = historyKey && JSON.parse(sessionStorage.getItem(historyKey) || 'null');
    } catch (e) {
      kept = null;
    }
    if (!kept || !Array.isArray(kept.undo) || !Array.isArray(kept.redo) || typeof kept.text !== 'string') {
      return;
    }
    history.undo = kept.undo.filter(function (t) { return typeof t === 'string'; });
    if (kept.text === history.text) {
      history.redo = kept.redo.filter(function (t) { return typeof t === 'string'; });
    } else {
      pushUndo(kept.text);
    }
    keep();
  }

  function historyButtons() {
    undoButton.disabled = readOnly || !history.undo.length;
    redoButton.disabled = readOnly || !history.redo.length;
  }

  function restore(from, to) {
    if (!editable() || !from.length) {
      return;
    }
    to.push(history.text);
    history.text = from.pop();
    history.key = null;
    textarea.value = history.text;
    read();
    drawCanvas();
    drawPanel();
    keep();
    historyButtons();
  }

  function undo() {
    restore(history.undo, history.redo);
  }

  function redo() {
    restore(history.redo, history.undo);
  }

  function read() {
    var parsed;
    try {
      parsed = JSON.parse(textarea.value);
    } catch (e) {
      parsed = null;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      jsonState.hidden = false;
      textarea.classList.add('invalid');
      return false;
    }
    jsonState.hidden = true;
    textarea.classList.remove('invalid');
    var selectedId = selected ? selected.id : null;
    def = parsed;
    selected = null;
    steps().forEach(function (s) {
      if (selectedId !== null && s && s.id === selectedId) {
        selected = s;
      }
    });
    return true;
  }

  /* Problems of the last save, by step id so they follow a step that moves. */
  function readProblems() {
    document.querySelectorAll('#problems [data-path]').forEach(function (li) {
      var path = li.getAttribute('data-path');
      var message = li.getAttribute('data-message') || li.textContent;
      var m = /^steps\[(\d+)\]/.exec(path);
      if (m && def && steps()[+m[1]] && steps()[+m[1]].id !== undefined) {
        var id = steps()[+m[1]].id;
        (problemsById[id] = problemsById[id] || []).push(path.substring(m[0].length).replace(/^\./, '') + ': ' + message);
      } else {
        journeyProblems.push(path + ': ' + message);
      }
    });
  }

  /* ---- the canvas ---- */

  function following(index) {
    var s = steps()[index];
    if (s && typeof s.next === 'string' && s.next) {
      return s.next;
    }
    return steps()[index + 1] ? steps()[index + 1].id : undefined;
  }

  /* Where a step leads: [{field, label, to: step id or undefined (the end), target: what the card shows}]. */
  function connections(step, index) {
    var c = [];
    var after = steps()[index + 1] ? steps()[index + 1].id : undefined;
    var link = function (field, label, to) {
      c.push({field: field, label: label, to: to, target: to === undefined || to === '' ? L.end : String(to)});
    };
    if (step.type === 'exit') {
      return c;
    }
    if (step.type === 'split') {
      (Array.isArray(step.branches) ? step.branches : []).forEach(function (b, i) {
        link('branches.' + i, (b && b.weight) + '%', (b && b.next) || undefined);
      });
      return c;
    }
    if (step.type === 'branch' || (step.type === 'wait' && step.event)) {
      link('then', L.then, step.then || after);
      link('else', L['else'], step['else'] || after);
      return c;
    }
    link('next', L.next, following(index));
    return c;
  }

  /*
   * The layered layout: the trigger is layer -1 and leads to the first step; a step's layer is one below the furthest
   * step before it in the list that leads to it (a connection to an earlier step is a loop and does not count); a
   * step nothing before it leads to goes one below the step above it in the list. In each layer a step sits under
   * the steps leading to it, each arm under its own slot of the step it leaves (then left of else, arms in order),
   * pushed apart where boxes would overlap. Answers {layer: [], x: [] (in columns), links: []}.
   */
  function layout() {
    var list = steps();
    var at = {};
    list.forEach(function (s, i) {
      if (s && typeof s === 'object' && s.id !== undefined && !at.hasOwnProperty(String(s.id))) {
        at[String(s.id)] = i;
      }
    });
    var links = [];
    var drawn = [];
    list.forEach(function (s, i) {
      if (!s || typeof s !== 'object') {
        return;
      }
      drawn.push(i);
      var out = connections(s, i);
      var forward = out.filter(function (c) {
        return c.to !== undefined && at.hasOwnProperty(String(c.to)) && at[String(c.to)] > i;
      });
      out.forEach(function (c) {
        var to = c.to !== undefined && at.hasOwnProperty(String(c.to)) ? at[String(c.to)] : null;
        var slot = forward.indexOf(c);
        links.push({from: i, to: to, field: c.field, label: c.label,
          slot: slot < 0 ? 0 : slot - (forward.length - 1) / 2});
      });
    });
    if (drawn.length) {
      links.unshift({from: -1, to: drawn[0], field: 'trigger', label: '', slot: 0});
    }
    var layer = {'-1': -1};
    var x = {'-1': 0};
    var previous = -1;
    drawn.forEach(function (i) {
      var into = links.filter(function (l) { return l.to === i && l.from < i; });
      layer[i] = into.length ? Math.max.apply(null, into.map(function (l) { return layer[l.from] + 1; }))
        : layer[previous] + 1;
      previous = i;
    });
    var layers = [];
    drawn.forEach(function (i) {
      (layers[layer[i]] = layers[layer[i]] || []).push(i);
    });
    layers.forEach(function (row) {
      if (!row) {
        return;
      }
      var wanted = {};
      row.forEach(function (i) {
        var into = links.filter(function (l) { return l.to === i && l.from < i; });
        wanted[i] = into.length ? into.reduce(function (sum, l) { return sum + x[l.from] + l.slot; }, 0) / into.length
          : 0;
      });
      row.sort(function (a, b) { return wanted[a] - wanted[b] || a - b; });
      var placed = [];
      row.forEach(function (i, k) {
        placed[k] = k === 0 ? wanted[i] : Math.max(wanted[i], placed[k - 1] + 1);
      });
      // shift the row back so that, on average, each box is where it wanted to be
      var drift = row.reduce(function (sum, i, k) { return sum + placed[k] - wanted[i]; }, 0) / row.length;
      row.forEach(function (i, k) {
        x[i] = placed[k] - drift;
      });
    });
    return {layer: layer, x: x, links: links, layers: layers, drawn: drawn};
  }

  function summary(step) {
    switch (step.type) {
      case 'wait': return step.duration || step.until || (step.event ? step.event + ' / ' + (step.timeout || '') : '');
      case 'send': return step.template || '';
      case 'branch': return step.condition ? (step.condition.event || ((step.condition.message || '') + ' '
        + (step.condition.engagement || ''))) : '';
      case 'points': return step.points !== undefined ? String(step.points) : '';
      case 'coupon': return step.reward || '';
      case 'tag': case 'untag': return step.tag || '';
      case 'task': return (step.kind || '') + (step.title ? ' · ' + step.title : '');
      default: return '';
    }
  }

  function drawCanvas() {
    triggerCard.textContent = '';
    if (indicator.parentNode) {
      indicator.parentNode.removeChild(indicator);
    }
    var t = def.trigger && typeof def.trigger === 'object' ? def.trigger : {};
    triggerCard.appendChild(el('span', {'class': 'step-type', text: L.trigger}));
    triggerCard.appendChild(el('strong', {text: ' ' + (config.triggerLabels[t.type] || t.type || '?')}));
    triggerCard.appendChild(el('span', {'class': 'muted', text: ' ' + (t.event || t.score || t.field || '')
      + (def.name ? ' · ' + def.name : '')}));
    triggerCard.classList.toggle('selected', selected === null);
    triggerCard.classList.toggle('je-problem', journeyProblems.length > 0);
    triggerCard.setAttribute('aria-pressed', selected === null ? 'true' : 'false');
    if (journeyProblems.length) {
      triggerCard.appendChild(el('span', {'class': 'je-problem-text', text: journeyProblems.join('; ')}));
    }
    canvas.textContent = '';
    if (!steps().length) {
      canvas.appendChild(el('li', {'class': 'je-empty muted', text: L.empty}));
    }
    var plan = layout();
    steps().forEach(function (step, index) {
      if (!step || typeof step !== 'object') {
        return;
      }
      var card = el('li', {'class': 'je-step step ' + step.type, tabindex: '0', 'data-index': String(index),
        'data-id': String(step.id), id: 'je-step-' + step.id, 'aria-label': stepLabel(step.type) + ' ' + step.id});
      if (step === selected) {
        card.classList.add('selected');
        card.setAttribute('aria-current', 'true');
      }
      var head = el('div', {'class': 'je-head'});
      if (!readOnly) {
        head.appendChild(el('span', {'class': 'je-handle', 'aria-hidden': 'true', title: L.moveHelp, text: '⠿'}));
      }
      head.appendChild(el('span', {'class': 'step-type', text: stepLabel(step.type)}));
      head.appendChild(el('strong', {'class': 'je-id', text: ' ' + step.id}));
      head.appendChild(el('span', {'class': 'muted je-summary', text: ' ' + summary(step)}));
      card.appendChild(head);
      var links = el('div', {'class': 'je-links'});
      connections(step, index).forEach(function (c) {
        links.appendChild(el('span', {'class': 'je-connector', 'data-field': c.field, tabindex: '-1',
          title: L.selectHelp, text: c.label + ' → ' + c.target}));
      });
      card.appendChild(links);
      card.setAttribute('data-layer', String(plan.layer[index]));
      if (problemsById[step.id]) {
        card.classList.add('je-problem');
        card.appendChild(el('div', {'class': 'je-problem-text error', text: problemsById[step.id].join('; ')}));
      }
      if (!readOnly) {
        var tools = el('div', {'class': 'je-tools'});
        tools.appendChild(el('button', {type: 'button', 'class': 'je-up', 'aria-label': L.up + ' ' + step.id,
          text: '↑'}));
        tools.appendChild(el('button', {type: 'button', 'class': 'je-down', 'aria-label': L.down + ' ' + step.id,
          text: '↓'}));
        tools.appendChild(el('button', {type: 'button', 'class': 'je-remove', 'aria-label': L.remove + ' ' + step.id,
          text: '✕'}));
        card.appendChild(tools);
      }
      canvas.appendChild(card);
    });
    place(plan);
  }

  /* Puts the trigger and the cards where the layout says (rows as tall as their tallest card) and draws the arrows. */
  function place(plan) {
    var cards = {};
    canvas.querySelectorAll('.je-step').forEach(function (card) {
      cards[card.getAttribute('data-index')] = card;
    });
    var boxes = {'-1': triggerCard};
    Object.keys(cards).forEach(function (i) { boxes[i] = cards[i]; });
    var empty = canvas.querySelector('.je-empty');
    var minX = 0;
    var maxX = 0;
    Object.keys(boxes).forEach(function (i) {
      minX = Math.min(minX, plan.x[i]);
      maxX = Math.max(maxX, plan.x[i]);
    });
    var unit = CARD_WIDTH + GAP_X;
    // loops run round the right-hand side and need room there; a narrow chart sits in the middle of the canvas
    var loops = plan.links.some(function (l) {
      return l.to !== null && l.from >= 0 && plan.layer[l.to] <= plan.layer[l.from];
    });
    var width = PAD * 2 + Math.round((maxX - minX) * unit) + CARD_WIDTH + (loops ? GAP_X : 0);
    var shift = Math.max(0, Math.floor((canvasWrap.clientWidth - width) / 2));
    var top = PAD;
    var rows = [['-1']].concat(plan.layers.map(function (row) { return (row || []).map(String); }));
    var pos = {};
    rows.forEach(function (row) {
      var tallest = 0;
      row.forEach(function (i) {
        var box = boxes[i];
        box.style.width = CARD_WIDTH + 'px';
        tallest = Math.max(tallest, box.offsetHeight);
      });
      row.forEach(function (i) {
        var box = boxes[i];
        var left = shift + PAD + Math.round((plan.x[i] - minX) * unit);
        box.style.left = left + 'px';
        box.style.top = top + 'px';
        pos[i] = {left: left, top: top, width: CARD_WIDTH, height: box.offsetHeight};
      });
      top += tallest + GAP_Y;
    });
    if (empty) {
      empty.style.left = (shift + PAD) + 'px';
      empty.style.top = top + 'px';
      empty.style.width = CARD_WIDTH + 'px';
      top += empty.offsetHeight + GAP_Y;
    }
    width += shift;
    var height = top + PAD;
    graph.style.width = width + 'px';
    graph.style.height = height + 'px';
    drawLinks(plan, pos, width, height);
  }

  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  /* Arrows: down into the next layers as curves, loops (to a step above or beside) round the right-hand side. */
  function drawLinks(plan, pos, width, height) {
    edges.textContent = '';
    edges.setAttribute('width', String(width));
    edges.setAttribute('height', String(height));
    var marker = svg('marker', {id: 'je-arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7',
      markerHeight: '7', orient: 'auto-start-reverse'});
    marker.appendChild(svg('path', {d: 'M0,0 L10,5 L0,10 z', 'class': 'je-arrow-head'}));
    var defs = svg('defs', {});
    defs.appendChild(marker);
    edges.appendChild(defs);
    var id = function (i) { return i === -1 ? 'trigger' : String(steps()[i].id); };
    plan.links.forEach(function (l) {
      var from = pos[String(l.from)];
      var to = l.to === null ? null : pos[String(l.to)];
      if (!from || !to) {
        return;
      }
      var d;
      var labelAt;
      var sx = from.left + from.width / 2 + l.slot * Math.min(60, from.width / 4);
      var sy = from.top + from.height;
      if (to.top > from.top) {
        var tx = to.left + to.width / 2;
        var ty = to.top;
        var bend = Math.max(20, (ty - sy) / 2);
        d = 'M' + sx + ',' + sy + ' C' + sx + ',' + (sy + bend) + ' ' + tx + ',' + (ty - bend) + ' ' + tx + ',' + ty;
        labelAt = {x: (sx + tx) / 2, y: sy + 14};
      } else {
        var rx = from.left + from.width;
        var ry = from.top + from.height / 2;
        var ex = to.left + to.width;
        var ey = to.top + to.height / 2;
        var out = Math.max(rx, ex) + GAP_X * 0.8;
        d = 'M' + rx + ',' + ry + ' C' + out + ',' + ry + ' ' + out + ',' + ey + ' ' + ex + ',' + ey;
        labelAt = {x: out - 4, y: (ry + ey) / 2};
      }
      var path = svg('path', {d: d, 'class': 'je-edge' + (to.top > from.top ? '' : ' je-loop'),
        'marker-end': 'url(#je-arrow)', 'data-from': id(l.from), 'data-to': id(l.to), 'data-field': l.field});
      edges.appendChild(path);
      if (l.label && l.field !== 'next') {
        var text = svg('text', {x: String(labelAt.x), y: String(labelAt.y), 'class': 'je-edge-label',
          'text-anchor': 'middle'});
        text.textContent = l.label;
        edges.appendChild(text);
      }
    });
  }

  /* ---- changes ---- */

  function uniqueId(type) {
    var taken = ids();
    var id = type;
    for (var n = 2; taken.indexOf(id) >= 0; n++) {
      id = type + '-' + n;
    }
    return id;
  }

  function newStep(type) {
    var step = {id: uniqueId(type), type: type};
    var extra = JSON.parse(JSON.stringify(DEFAULTS[type] || {}));
    if (type === 'send' && choices.template && choices.template.length) {
      extra.template = choices.template[0].value;
    }
    Object.keys(extra).forEach(function (k) { step[k] = extra[k]; });
    return step;
  }

  function insert(type, at) {
    if (!editable()) {
      return;
    }
    var step = newStep(type);
    steps().splice(at, 0, step);
    selected = step;
    write();
    drawPanel();
    focusStep(step);
  }

  function move(from, to) {
    if (!editable()) {
      return;
    }
    var list = steps();
    if (from < 0 || from >= list.length || to < 0 || to > list.length) {
      return;
    }
    var step = list.splice(from, 1)[0];
    list.splice(to > from ? to - 1 : to, 0, step);
    write();
    focusStep(step);
  }

  function remove(index) {
    if (!editable()) {
      return;
    }
    var step = steps().splice(index, 1)[0];
    if (selected === step) {
      selected = null;
    }
    write();
    drawPanel();
    var next = steps()[Math.min(index, steps().length - 1)];
    if (next) {
      focusStep(next);
    } else {
      triggerCard.focus();
    }
  }

  function connect(step, field, targetId) {
    if (!editable()) {
      return;
    }
    if (field.indexOf('branches.') === 0) {
      var arm = step.branches[+field.substring(9)];
      arm.next = targetId;
    } else {
      step[field] = targetId;
    }
    write();
    if (selected === step) {
      drawPanel();
    }
  }

  /* A renamed step keeps its connections: every reference to the old id follows. */
  function rename(step, newId) {
    var old = step.id;
    step.id = newId;
    if (problemsById[old]) {
      problemsById[newId] = problemsById[old];
      delete problemsById[old];
    }
    steps().forEach(function (s) {
      ['next', 'then', 'else'].forEach(function (k) {
        if (s[k] === old) {
          s[k] = newId;
        }
      });
      if (Array.isArray(s.branches)) {
        s.branches.forEach(function (b) {
          if (b && b.next === old) {
            b.next = newId;
          }
        });
      }
      if (s.condition && s.condition.message === old) {
        s.condition.message = newId;
      }
    });
  }

  function focusStep(step) {
    var card = canvas.querySelector('[data-index="' + steps().indexOf(step) + '"]');
    if (card) {
      card.focus();
    }
  }

  /* ---- the side panel ---- */

  function getPath(object, path) {
    return path.split('.').reduce(function (o, k) { return o && typeof o === 'object' ? o[k] : undefined; }, object);
  }

  function setPath(object, path, value) {
    var keys = path.split('.');
    var o = object;
    for (var i = 0; i < keys.length - 1; i++) {
      if (!o[keys[i]] || typeof o[keys[i]] !== 'object') {
        if (value === undefined) {
          return;
        }
        o[keys[i]] = {};
      }
      o = o[keys[i]];
    }
    if (value === undefined) {
      delete o[keys[keys.length - 1]];
    } else {
      o[keys[keys.length - 1]] = value;
    }
  }

  /* Keystrokes in one field of one step (or of the journey) make one change for undo. */
  function typingKey(input) {
    return (selected ? 'step:' + selected.id : 'journey') + '/' + input.id;
  }

  function fieldId(path) {
    return 'je-field-' + path.replace(/\./g, '-');
  }

  function label(text, input, help) {
    var l = el('label', {'class': 'je-field'}, [el('span', {text: text}), input]);
    if (help) {
      l.appendChild(el('small', {'class': 'muted', text: help}));
    }
    return l;
  }

  function stepSelect(id, value, onChange, exclude) {
    var s = el('select', {id: id});
    s.appendChild(el('option', {value: '', text: L.following}));
    ids().forEach(function (stepId) {
      if (stepId !== exclude) {
        s.appendChild(el('option', {value: String(stepId), text: String(stepId)}));
      }
    });
    if (value && ids().indexOf(value) < 0) {
      s.appendChild(el('option', {value: value, text: value + ' ?'}));
    }
    s.value = value || '';
    s.addEventListener('change', function () { onChange(s.value || undefined); });
    return s;
  }

  function fieldInput(object, path, kind, onChanged, selfId, givenId) {
    var value = getPath(object, path);
    var id = givenId || fieldId(path);
    var input;
    if (kind === 'step') {
      return stepSelect(id, value, function (v) { setPath(object, path, v); onChanged(); }, selfId);
    }
    if (PICKERS.indexOf(kind) >= 0) {
      return picker(id, kind, value, function (v) {
        setPath(object, path, v);
        onChanged(kind === 'template');
      });
    }
    if (kind === 'json') {
      input = el('textarea', {id: id, rows: '3', 'class': 'je-json'});
      input.value = value === undefined ? '' : JSON.stringify(value);
      input.addEventListener('input', function () {
        if (!input.value.trim()) {
          setPath(object, path, undefined);
          input.classList.remove('invalid');
          onChanged();
          return;
        }
        try {
          setPath(object, path, JSON.parse(input.value));
          input.classList.remove('invalid');
          editKey = typingKey(input);
          onChanged();
        } catch (e) {
          input.classList.add('invalid');
        }
      });
      return input;
    }
    input = el('input', {id: id, type: kind === 'number' ? 'number' : 'text'});
    if (kind === 'duration') {
      input.setAttribute('placeholder', 'P1D, PT2H');
      input.setAttribute('title', L.durationHelp);
    }
    input.value = value === undefined || value === null ? '' : String(value);
    input.addEventListener('input', function () {
      var v = input.value;
      editKey = typingKey(input);
      if (v === '') {
        setPath(object, path, undefined);
      } else if (kind === 'number') {
        setPath(object, path, isNaN(Number(v)) ? v : Number(v));
      } else {
        setPath(object, path, v);
      }
      onChanged();
    });
    return input;
  }

  /*
   * A picker: a search box over a select of the catalogue's entries that match it. The value held is always shown
   * (marked when the catalogue does not have it), and what is typed in the search can be chosen as it is, so a
   * value the catalogue does not know yet (an event type before its first event) can still be written; the server
   * checks the catalogues on save. A segment is written as its id (a number); a name already there is kept.
   */
  function picker(id, kind, value, onChange) {
    var search = el('input', {type: 'search', id: id + '-search', 'class': 'je-picker-search',
      placeholder: L.search, 'aria-label': L.search, 'aria-controls': id, autocomplete: 'off'});
    var list = el('select', {id: id, 'class': 'je-picker-select'});
    var held = value === undefined || value === null ? '' : String(value);
    var entries = choices[kind] || [];
    var current = entries.filter(function (c) { return c.value === held; })[0]
      || (kind === 'segment' ? entries.filter(function (c) { return c.label === held; })[0] : undefined);
    var selectedValue = current ? current.value : held;
    function text(c) {
      return c.label && c.label !== c.value ? c.label + ' (' + c.value + ')' : c.value;
    }
    function fill() {
      var q = search.value.trim();
      var lower = q.toLowerCase();
      list.textContent = '';
      list.appendChild(el('option', {value: '', text: kind === 'template' ? L.noTemplate : L.none}));
      entries.forEach(function (c) {
        if (!lower || c.value.toLowerCase().indexOf(lower) >= 0 || text(c).toLowerCase().indexOf(lower) >= 0
            || c.value === selectedValue) {
          list.appendChild(el('option', {value: c.value, text: text(c)}));
        }
      });
      if (held && !current) {
        list.appendChild(el('option', {value: held, text: held + ' · ' + L.notInCatalogue, 'class': 'je-unknown'}));
      }
      if (q && q !== held && !entries.some(function (c) { return c.value === q; })) {
        list.appendChild(el('option', {value: q, text: q + ' · ' + L.notInCatalogue, 'class': 'je-typed'}));
      }
      list.value = selectedValue;
    }
    fill();
    search.addEventListener('input', fill);
    search.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        list.focus();
      }
    });
    list.addEventListener('change', function () {
      var v = list.value;
      selectedValue = v;
      if (kind === 'segment' && /^[0-9]+$/.test(v)) {
        onChange(Number(v));
      } else {
        onChange(v === '' ? undefined : v);
      }
    });
    return el('span', {'class': 'je-picker'}, [search, list]);
  }

  /* The keys of an object the form does not show, as one JSON object to edit; written back key by key. */
  function otherFields(object, known, id) {
    var others = {};
    Object.keys(object).forEach(function (k) {
      if (known.indexOf(k) < 0) {
        others[k] = object[k];
      }
    });
    var area = el('textarea', {id: id, rows: String(Math.max(3, Math.min(12, Object.keys(others).length * 2 + 2))),
      'class': 'je-json'});
    area.value = Object.keys(others).length ? JSON.stringify(others, null, 2) : '';
    area.addEventListener('input', function () {
      var parsed;
      try {
        parsed = area.value.trim() ? JSON.parse(area.value) : {};
      } catch (e) {
        parsed = null;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        area.classList.add('invalid');
        return;
      }
      area.classList.remove('invalid');
      editKey = typingKey(area);
      Object.keys(object).forEach(function (k) {
        if (known.indexOf(k) < 0) {
          delete object[k];
        }
      });
      Object.keys(parsed).forEach(function (k) {
        if (known.indexOf(k) < 0) {
          object[k] = parsed[k];
        }
      });
      write();
    });
    return label(L.other, area, L.otherHelp);
  }

  function drawPanel() {
    panel.textContent = '';
    if (!def) {
      return;
    }
    if (selected === null || steps().indexOf(selected) < 0) {
      selected = null;
      drawJourneyPanel();
    } else {
      drawStepPanel(selected);
    }
    if (readOnly) {
      panel.querySelectorAll('input, select, textarea, button').forEach(function (e) { e.disabled = true; });
    }
  }

  function drawJourneyPanel() {
    panel.appendChild(el('h3', {text: L.journey}));
    panel.appendChild(label(L.name, fieldInput(def, 'name', 'text', write)));
    panel.appendChild(label(L.holdoutPercent, fieldInput(def, 'holdoutPercent', 'number', write)));
    if (!def.trigger || typeof def.trigger !== 'object') {
      def.trigger = {type: 'manual'};
    }
    var trigger = def.trigger;
    var type = el('select', {id: 'je-trigger-type'});
    var types = config.triggerTypes.slice();
    if (trigger.type && types.indexOf(trigger.type) < 0) {
      types.push(trigger.type);
    }
    types.forEach(function (t) {
      type.appendChild(el('option', {value: t, text: config.triggerLabels[t] || t}));
    });
    type.value = trigger.type || '';
    type.addEventListener('change', function () {
      trigger.type = type.value;
      write();
      drawPanel();
      document.getElementById('je-trigger-type').focus();
    });
    panel.appendChild(el('h4', {text: L.trigger}));
    panel.appendChild(label(L.type, type));
    var fields = TRIGGER_FIELDS[trigger.type] || [];
    fields.forEach(function (f) {
      var input = fieldInput(trigger, f[0], f[1], write, undefined, 'je-trigger-' + f[0]);
      panel.appendChild(label(L[f[0]] || f[0], input));
    });
    var known = ['type'].concat(fields.map(function (f) { return f[0]; }));
    panel.appendChild(otherFields(trigger, known, 'je-trigger-other'));
    if (journeyProblems.length) {
      panel.appendChild(el('p', {'class': 'error je-panel-problems', text: journeyProblems.join('; ')}));
    }
  }

  function drawStepPanel(step) {
    var index = steps().indexOf(step);
    panel.appendChild(el('h3', {text: L.step + ' · ' + stepLabel(step.type)}));
    var id = el('input', {id: 'je-field-id', type: 'text'});
    id.value = step.id === undefined ? '' : String(step.id);
    id.addEventListener('change', function () {
      var v = id.value.trim();
      if (!v || (v !== step.id && ids().indexOf(v) >= 0)) {
        id.classList.add('invalid');
        return;
      }
      id.classList.remove('invalid');
      rename(step, v);
      write();
      drawPanel();
      document.getElementById('je-field-id').focus();
    });
    panel.appendChild(label(L.id, id));
    var fields = STEP_FIELDS[step.type];
    var known = ['id', 'type'];
    if (fields) {
      fields.forEach(function (f) {
        var redraw = function (panelToo) {
          write();
          if (panelToo === true) {
            drawPanel();
            document.getElementById(fieldId(f[0])).focus();
          }
        };
        panel.appendChild(label(L[FIELD_LABELS[f[0]] || f[0]] || f[0], fieldInput(step, f[0], f[1], redraw, step.id)));
        known.push(f[0].split('.')[0]);
      });
      if (step.type === 'send' && step.template) {
        var template = (choices.template || []).filter(function (t) { return t.value === step.template; })[0];
        if (template && template.variables && template.variables.length) {
          panel.appendChild(el('p', {'class': 'muted', id: 'je-template-variables',
            text: L.templateVariables + ': ' + template.variables.join(', ')}));
        }
      }
      if (step.type === 'split') {
        known.push('branches');
        panel.appendChild(armsEditor(step));
      }
      if (step.type !== 'exit' && step.type !== 'split') {
        panel.appendChild(label(L.next, stepSelect('je-field-next', step.next, function (v) {
          setPath(step, 'next', v);
          write();
        }, step.id)));
        known.push('next');
      }
    }
    if (step.type === 'branch' && step.condition && typeof step.condition === 'object') {
      var cond = step.condition;
      var condOthers = Object.keys(cond).filter(function (k) {
        return ['event', 'message', 'engagement'].indexOf(k) < 0;
      });
      if (condOthers.length) {
        panel.appendChild(el('p', {'class': 'muted', text: L.condition + ': ' + JSON.stringify(cond)}));
      }
    }
    panel.appendChild(otherFields(step, known, 'je-field-other'));
    if (problemsById[step.id]) {
      panel.appendChild(el('p', {'class': 'error je-panel-problems', text: problemsById[step.id].join('; ')}));
    }
    var tools = el('p', {});
    var up = el('button', {type: 'button', id: 'je-panel-up', text: '↑ ' + L.up});
    var down = el('button', {type: 'button', id: 'je-panel-down', text: '↓ ' + L.down});
    var del = el('button', {type: 'button', id: 'je-panel-remove', text: '✕ ' + L.remove});
    up.addEventListener('click', function () { move(index, index - 1); drawPanel(); });
    down.addEventListener('click', function () { move(index, index + 2); drawPanel(); });
    del.addEventListener('click', function () { remove(steps().indexOf(step)); });
    tools.appendChild(up);
    tools.appendChild(down);
    tools.appendChild(del);
    panel.appendChild(tools);
  }

  function armsEditor(step) {
    if (!Array.isArray(step.branches)) {
      step.branches = [];
    }
    var box = el('fieldset', {'class': 'je-arms', id: 'je-arms'}, [el('legend', {text: L.branches})]);
    step.branches.forEach(function (arm, i) {
      var weight = el('input', {type: 'number', min: '0', id: 'je-arm-weight-' + i, 'class': 'je-arm-weight'});
      weight.value = arm.weight === undefined ? '' : String(arm.weight);
      weight.addEventListener('input', function () {
        arm.weight = weight.value === '' ? undefined : Number(weight.value);
        editKey = typingKey(weight);
        write();
      });
      var next = stepSelect('je-arm-next-' + i, arm.next, function (v) { arm.next = v; write(); }, step.id);
      var drop = el('button', {type: 'button', 'class': 'je-arm-remove', text: '✕',
        'aria-label': L.remove + ' ' + (i + 1)});
      drop.addEventListener('click', function () {
        step.branches.splice(i, 1);
        write();
        drawPanel();
      });
      box.appendChild(el('div', {'class': 'je-arm'}, [label(L.weight, weight), label(L.next, next), drop]));
    });
    var add = el('button', {type: 'button', id: 'je-add-arm', text: '+ ' + L.addArm});
    add.addEventListener('click', function () {
      step.branches.push({weight: 50, next: ids().filter(function (i) { return i !== step.id; })[0] || ''});
      write();
      drawPanel();
      document.getElementById('je-add-arm').focus();
    });
    box.appendChild(add);
    return box;
  }

  function select(step) {
    selected = step;
    drawCanvas();
    drawPanel();
  }

  /* ---- the palette ---- */

  config.stepTypes.forEach(function (type) {
    var b = el('button', {type: 'button', 'class': 'je-palette-item step ' + type, 'data-type': type,
      id: 'je-palette-' + type, text: stepLabel(type)});
    palette.appendChild(b);
  });
  if (readOnly) {
    palette.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
  }

  palette.addEventListener('click', function (e) {
    var item = e.target.closest('.je-palette-item');
    if (!item || dragJustEnded) {
      dragJustEnded = false;
      return;
    }
    var at = selected ? steps().indexOf(selected) + 1 : steps().length;
    insert(item.getAttribute('data-type'), at);
  });

  /* ---- pointer dragging ---- */

  var drag = null;
  var dragJustEnded = false;

  function startDrag(e, what) {
    if (readOnly || e.button !== 0) {
      return;
    }
    drag = {what: what, x: e.clientX, y: e.clientY, moving: false, ghost: null};
  }

  /*
   * Where a drop puts a step in the list: before the card it lands on (its upper half) or after it (lower half);
   * below every card, at the end; elsewhere, beside the nearest card. Answers {index, card, after}.
   */
  function dropPlace(x, y) {
    var cards = canvas.querySelectorAll('.je-step');
    var best = null;
    var bottom = -Infinity;
    for (var i = 0; i < cards.length; i++) {
      var r = cards[i].getBoundingClientRect();
      bottom = Math.max(bottom, r.bottom);
      var dx = x < r.left ? r.left - x : (x > r.right ? x - r.right : 0);
      var dy = y < r.top ? r.top - y : (y > r.bottom ? y - r.bottom : 0);
      var distance = dx + dy;
      if (!best || distance < best.distance) {
        best = {card: cards[i], rect: r, distance: distance};
      }
    }
    if (!best || y > bottom) {
      return {index: steps().length, card: null, after: true};
    }
    var after = y >= best.rect.top + best.rect.height / 2;
    var index = +best.card.getAttribute('data-index');
    return {index: after ? index + 1 : index, card: best.card, after: after};
  }

  function dropIndex(x, y) {
    return dropPlace(x, y).index;
  }

  /* The drop marker: a bar above or below the card the drop lands beside, or below the lowest card. */
  function showIndicator(x, y) {
    var place = dropPlace(x, y);
    var left = PAD;
    var top;
    if (place.card) {
      left = place.card.offsetLeft;
      top = place.after ? place.card.offsetTop + place.card.offsetHeight + 4 : place.card.offsetTop - 22;
    } else {
      var lowest = 0;
      canvas.querySelectorAll('.je-step, .je-empty').forEach(function (c) {
        if (c.offsetTop + c.offsetHeight > lowest) {
          lowest = c.offsetTop + c.offsetHeight;
          left = c.offsetLeft;
        }
      });
      top = lowest + 4;
    }
    indicator.style.left = left + 'px';
    indicator.style.top = Math.max(0, top) + 'px';
    indicator.style.width = CARD_WIDTH + 'px';
    graph.appendChild(indicator);
  }

  function overCanvas(x, y) {
    var r = canvasWrap.getBoundingClientRect();
    return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
  }

  function cardAt(x, y) {
    var under = document.elementFromPoint(x, y);
    return under ? under.closest('.je-step') : null;
  }

  document.addEventListener('pointermove', function (e) {
    if (!drag) {
      return;
    }
    if (!drag.moving) {
      if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) < 5) {
        return;
      }
      drag.moving = true;
      drag.ghost = el('div', {'class': 'je-ghost', text: drag.what.label});
      document.body.appendChild(drag.ghost);
      root.classList.add('je-dragging');
    }
    e.preventDefault();
    drag.ghost.style.left = (e.clientX + 8) + 'px';
    drag.ghost.style.top = (e.clientY + 8) + 'px';
    // the drop marker floats over the chart, so the place is read against the cards alone
    var over = overCanvas(e.clientX, e.clientY);
    if (indicator.parentNode) {
      indicator.parentNode.removeChild(indicator);
    }
    canvas.querySelectorAll('.je-target').forEach(function (c) { c.classList.remove('je-target'); });
    if (drag.what.kind === 'connect') {
      drag.ghost.style.visibility = 'hidden';
      var target = cardAt(e.clientX, e.clientY);
      drag.ghost.style.visibility = '';
      if (target) {
        target.classList.add('je-target');
      }
    } else if (over) {
      showIndicator(e.clientX, e.clientY);
    }
  });

  document.addEventListener('pointerup', function (e) {
    if (!drag) {
      return;
    }
    var d = drag;
    drag = null;
    if (!d.moving) {
      return;
    }
    dragJustEnded = d.what.kind === 'add';
    setTimeout(function () { dragJustEnded = false; }, 0);
    var over = overCanvas(e.clientX, e.clientY);
    var at = dropIndex(e.clientX, e.clientY);
    d.ghost.parentNode.removeChild(d.ghost);
    root.classList.remove('je-dragging');
    if (indicator.parentNode) {
      indicator.parentNode.removeChild(indicator);
    }
    if (d.what.kind === 'connect') {
      var target = cardAt(e.clientX, e.clientY);
      if (target) {
        connect(d.what.step, d.what.field, steps()[+target.getAttribute('data-index')].id);
      } else {
        drawCanvas();
      }
      return;
    }
    if (!over) {
      return;
    }
    if (d.what.kind === 'add') {
      insert(d.what.type, at);
    } else {
      move(d.what.index, at);
      drawPanel();
    }
  });

  document.addEventListener('pointercancel', function () {
    if (drag && drag.ghost) {
      drag.ghost.parentNode.removeChild(drag.ghost);
    }
    drag = null;
    root.classList.remove('je-dragging');
    if (indicator.parentNode) {
      indicator.parentNode.removeChild(indicator);
    }
  });

  palette.addEventListener('pointerdown', function (e) {
    var item = e.target.closest('.je-palette-item');
    if (item) {
      startDrag(e, {kind: 'add', type: item.getAttribute('data-type'), label: item.textContent});
    }
  });

  canvas.addEventListener('pointerdown', function (e) {
    var card = e.target.closest('.je-step');
    if (!card || e.target.closest('button')) {
      return;
    }
    var index = +card.getAttribute('data-index');
    var connector = e.target.closest('.je-connector');
    if (connector) {
      startDrag(e, {kind: 'connect', step: steps()[index], field: connector.getAttribute('data-field'),
        label: connector.textContent});
    } else {
      startDrag(e, {kind: 'move', index: index, label: card.querySelector('.je-head').textContent});
    }
  });

  /* Text must stay selectable in inputs; elsewhere a drag is a drag. */
  root.addEventListener('dragstart', function (e) { e.preventDefault(); });

  canvas.addEventListener('click', function (e) {
    var card = e.target.closest('.je-step');
    if (!card) {
      return;
    }
    var index = +card.getAttribute('data-index');
    if (e.target.closest('.je-up')) {
      move(index, index - 1);
      drawPanel();
    } else if (e.target.closest('.je-down')) {
      move(index, index + 2);
      drawPanel();
    } else if (e.target.closest('.je-remove')) {
      remove(index);
    } else {
      select(steps()[index]);
      focusStep(steps()[index]);
    }
  });

  canvas.addEventListener('keydown', function (e) {
    var card = e.target.closest('.je-step');
    if (!card || e.target !== card) {
      return;
    }
    var index = +card.getAttribute('data-index');
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      select(steps()[index]);
      focusStep(steps()[index]);
      var first = panel.querySelector('input, select, textarea');
      if (first && e.key === 'Enter') {
        first.focus();
      }
    } else if (e.altKey && e.key === 'ArrowUp' && !readOnly) {
      e.preventDefault();
      move(index, index - 1);
      drawPanel();
    } else if (e.altKey && e.key === 'ArrowDown' && !readOnly) {
      e.preventDefault();
      move(index, index + 2);
      drawPanel();
    } else if (e.key === 'ArrowUp' && index > 0) {
      e.preventDefault();
      focusStep(steps()[index - 1]);
    } else if (e.key === 'ArrowDown' && index < steps().length - 1) {
      e.preventDefault();
      focusStep(steps()[index + 1]);
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && !readOnly) {
      e.preventDefault();
      remove(index);
    }
  });

  triggerCard.addEventListener('click', function () {
    select(null);
  });

  textarea.addEventListener('input', function () {
    if (read()) {
      remember(textarea.value, 'json');
      drawCanvas();
      drawPanel();
    }
  });

  undoButton.addEventListener('click', undo);
  redoButton.addEventListener('click', redo);

  /* Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y; ⌘ on a Mac) in the editor; the JSON text keeps the browser's own undo. */
  document.addEventListener('keydown', function (e) {
    if (readOnly || !(e.ctrlKey || e.metaKey) || e.altKey || e.target === textarea) {
      return;
    }
    if (e.target !== document.body && !root.contains(e.target)) {
      return;
    }
    var key = e.key.toLowerCase();
    if (key === 'z' && !e.shiftKey) {
      e.preventDefault();
      undo();
    } else if ((key === 'z' && e.shiftKey) || key === 'y') {
      e.preventDefault();
      redo();
    }
  });

  function start() {
    if (read()) {
      readProblems();
      if (problemsById && Object.keys(problemsById).length) {
        var first = steps().filter(function (s) { return problemsById[s.id]; })[0];
        selected = first || null;
      }
      drawCanvas();
      drawPanel();
    } else {
      def = {steps: []};
      drawCanvas();
    }
    recall();
    historyButtons();
  }

  function ready() {
    root.setAttribute('data-ready', 'true');
  }

  /*
   * The chart and the panel are drawn at once; the panel again when the pickers' catalogues arrive (the editor is
   * ready then). Without them the pickers are text fields.
   */
  start();
  var source = root.getAttribute('data-choices');
  if (!source) {
    ready();
    return;
  }
  fetch(source, {headers: {Accept: 'application/json'}, credentials: 'same-origin'})
    .then(function (response) {
      if (!response.ok) {
        throw new Error('choices: HTTP ' + response.status);
      }
      return response.json();
    })
    .then(function (loaded) {
      PICKERS.forEach(function (kind) {
        choices[kind] = Array.isArray(loaded[kind]) ? loaded[kind] : [];
      });
      drawPanel();
      ready();
    }, function () {
      // without the catalogues every picker is a text field again
      [STEP_FIELDS, TRIGGER_FIELDS].forEach(function (table) {
        Object.keys(table).forEach(function (type) {
          table[type].forEach(function (f) {
            if (PICKERS.indexOf(f[1]) >= 0) {
              f[1] = 'text';
            }
          });
        });
      });
      root.parentNode.insertBefore(el('p', {'class': 'error', id: 'je-choices-failed', text: L.choicesFailed}),
        root);
      drawPanel();
      ready();
    });
}());
