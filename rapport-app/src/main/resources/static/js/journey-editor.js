/*
 * Visual journey editor (docs/journeys.md, "Console"). The definition's JSON in the form's textarea is the one truth:
 * the palette, the canvas and the side panel edit the parsed object and write it back, and typing in the textarea
 * redraws them. Drag with pointer events (mouse, pen, touch): a palette entry onto the canvas adds a step where it is
 * dropped, a step's handle moves it, a step's connector (next / then / else / an arm) dropped on another step
 * connects them. Without a pointer: a palette button adds after the selected step, Alt+↑/↓ moves the focused step,
 * Delete removes it, Enter opens it in the side panel, where every connection is a select.
 * Fields the editor does not know (a step or trigger type added to the engine later, or an unknown key) are kept as
 * they are and edited as raw JSON in the panel. No inline scripts: the console's CSP allows only this server's files.
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

  /* Known fields per step type: [key, kind]; kinds: text, duration, number, template, step, json. */
  var STEP_FIELDS = {
    wait: [['duration', 'duration'], ['until', 'text'], ['event', 'text'], ['timeout', 'duration'],
      ['then', 'step'], ['else', 'step']],
    send: [['template', 'template'], ['variables', 'json']],
    branch: [['condition.event', 'text'], ['condition.message', 'step'], ['condition.engagement', 'text'],
      ['then', 'step'], ['else', 'step']],
    split: [],
    tag: [['tag', 'text']],
    untag: [['tag', 'text']],
    points: [['points', 'number']],
    coupon: [['reward', 'text']],
    task: [['kind', 'text'], ['title', 'text'], ['assignee', 'text'], ['role', 'text'], ['due', 'duration']],
    goal: [],
    exit: []
  };
  var TRIGGER_FIELDS = {
    event: [['event', 'text'], ['filter', 'json']],
    absence: [['event', 'text'], ['filter', 'json'], ['missing', 'text'], ['within', 'duration']],
    date: [['field', 'text'], ['offsetDays', 'number'], ['at', 'text']],
    manual: [],
    score: [['score', 'text'], ['to', 'text'], ['from', 'text']],
    count: [['event', 'text'], ['filter', 'json'], ['per', 'text'], ['moreThan', 'number'], ['within', 'duration']]
  };
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

  var palette = el('div', {'class': 'je-palette', id: 'je-palette', role: 'toolbar', 'aria-label': L.palette});
  var canvas = el('ol', {'class': 'je-canvas', id: 'je-canvas', 'aria-label': L.canvas});
  var panel = el('div', {'class': 'je-panel card', id: 'je-panel', 'aria-live': 'polite'});
  var jsonState = el('p', {'class': 'error', id: 'je-json-state', hidden: 'hidden', text: L.invalidJson});
  var triggerCard = el('button', {type: 'button', 'class': 'je-trigger', id: 'je-trigger'});
  var canvasWrap = el('div', {'class': 'je-canvas-wrap'}, [triggerCard, canvas]);
  root.appendChild(el('div', {'class': 'je-palette-wrap'}, [el('h3', {text: L.palette}), palette,
    el('p', {'class': 'muted', text: L.moveHelp})]));
  root.appendChild(canvasWrap);
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
    textarea.value = JSON.stringify(def, null, 2);
    jsonState.hidden = true;
    textarea.classList.remove('invalid');
    drawCanvas();
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
    return steps()[index + 1] ? steps()[index + 1].id : L.end;
  }

  function connections(step, index) {
    var c = [];
    var after = steps()[index + 1] ? steps()[index + 1].id : L.end;
    if (step.type === 'exit') {
      return c;
    }
    if (step.type === 'split') {
      (Array.isArray(step.branches) ? step.branches : []).forEach(function (b, i) {
        c.push({field: 'branches.' + i, label: (b && b.weight) + '%', target: (b && b.next) || L.end});
      });
      return c;
    }
    if (step.type === 'branch' || (step.type === 'wait' && step.event)) {
      c.push({field: 'then', label: L.then, target: step.then || after});
      c.push({field: 'else', label: L['else'], target: step['else'] || after});
      return c;
    }
    c.push({field: 'next', label: L.next, target: following(index)});
    return c;
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
    if (type === 'send' && config.templates.length) {
      extra.template = config.templates[0].code;
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

  function fieldInput(object, path, kind, onChanged, selfId) {
    var value = getPath(object, path);
    var id = fieldId(path);
    var input;
    if (kind === 'step') {
      return stepSelect(id, value, function (v) { setPath(object, path, v); onChanged(); }, selfId);
    }
    if (kind === 'template') {
      input = el('select', {id: id});
      input.appendChild(el('option', {value: '', text: L.noTemplate}));
      config.templates.forEach(function (t) {
        input.appendChild(el('option', {value: t.code, text: t.code + ' (' + t.channel + ')'}));
      });
      if (value && !config.templates.some(function (t) { return t.code === value; })) {
        input.appendChild(el('option', {value: value, text: value + ' ?'}));
      }
      input.value = value || '';
      input.addEventListener('change', function () {
        setPath(object, path, input.value || undefined);
        onChanged(true);
      });
      return input;
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
      var input = fieldInput(trigger, f[0], f[1], write);
      input.id = 'je-trigger-' + f[0];
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
        var template = config.templates.filter(function (t) { return t.code === step.template; })[0];
        if (template && template.variables.length) {
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
  var indicator = el('li', {'class': 'je-drop', 'aria-hidden': 'true', text: L.dropHere});

  function startDrag(e, what) {
    if (readOnly || e.button !== 0) {
      return;
    }
    drag = {what: what, x: e.clientX, y: e.clientY, moving: false, ghost: null};
  }

  function dropIndex(y) {
    var cards = canvas.querySelectorAll('.je-step');
    for (var i = 0; i < cards.length; i++) {
      var r = cards[i].getBoundingClientRect();
      if (y < r.top + r.height / 2) {
        return +cards[i].getAttribute('data-index');
      }
    }
    return steps().length;
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
    // read against the layout the person sees, drop marker included, before the marker moves
    var over = overCanvas(e.clientX, e.clientY);
    var at = dropIndex(e.clientY);
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
      var before = canvas.querySelector('.je-step[data-index="' + at + '"]');
      canvas.insertBefore(indicator, before);
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
    // where it lands is read while the drop marker still holds its place, as the person saw it
    var over = overCanvas(e.clientX, e.clientY);
    var at = dropIndex(e.clientY);
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
      drawCanvas();
      drawPanel();
    }
  });

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
  root.setAttribute('data-ready', 'true');
}());
