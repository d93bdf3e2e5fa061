/*
 * Rapport dashboard: draws the scoring charts with Apache ECharts from /dashboard/data (figures plus labels in the
 * viewer's language). Loaded as a file because the console's CSP allows no inline script. Redraws when htmx reports
 * a finished scoring run (the "scoring-done" event).
 */
(function () {
  'use strict';

  var charts = {};
  var palette = ['#0f766e', '#14b8a6', '#f59e0b', '#ef4444', '#6366f1', '#64748b', '#84cc16', '#ec4899',
    '#0ea5e9', '#a855f7', '#f97316', '#22c55e'];

  function chart(id) {
    var element = document.getElementById(id);
    if (!element) {
      return null;
    }
    if (!charts[id]) {
      charts[id] = echarts.init(element, null, {renderer: 'canvas'});
    }
    return charts[id];
  }

  function percent(v) {
    return Math.round(v * 1000) / 10 + '%';
  }

  function number(v) {
    return Math.abs(v) >= 100 ? Math.round(v).toLocaleString() : (Math.round(v * 10) / 10).toLocaleString();
  }

  function rfm(d, t) {
    var cells = [];
    var max = 1;
    for (var r = 0; r < 5; r++) {
      for (var f = 0; f < 5; f++) {
        var n = d.rfmGrid[r][f];
        cells.push([f, r, n]);
        max = Math.max(max, n);
      }
    }
    chart('chart-rfm').setOption({
      color: palette,
      tooltip: {position: 'top'},
      grid: {left: 60, right: 20, top: 10, bottom: 70},
      xAxis: {type: 'category', name: t['dashboard.frequency'], nameLocation: 'middle', nameGap: 28,
        data: ['1', '2', '3', '4', '5'], splitArea: {show: true}},
      yAxis: {type: 'category', name: t['dashboard.recency'], nameLocation: 'middle', nameGap: 30,
        data: ['1', '2', '3', '4', '5'], splitArea: {show: true}},
      visualMap: {min: 0, max: max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
        inRange: {color: ['#f0fdfa', '#0f766e']}},
      series: [{name: t['dashboard.customers'], type: 'heatmap', data: cells, label: {show: true}}]
    }, true);
  }

  function distribution(id, counts, prefix, t) {
    var names = Object.keys(counts);
    chart(id).setOption({
      color: palette,
      tooltip: {trigger: 'item'},
      grid: {left: 50, right: 20, top: 20, bottom: 30},
      xAxis: {type: 'category', data: names.map(function (k) { return t[prefix + k] || k; })},
      yAxis: {type: 'value', name: t['dashboard.customers']},
      series: [{type: 'bar', data: names.map(function (k) { return counts[k]; }), label: {show: true, position: 'top'},
        colorBy: 'data'}]
    }, true);
  }

  function pareto(d, t) {
    chart('chart-pareto').setOption({
      color: palette,
      tooltip: {trigger: 'axis', valueFormatter: percent},
      grid: {left: 50, right: 20, top: 20, bottom: 40},
      xAxis: {type: 'value', min: 0, max: 1, name: t['dashboard.customerShare'], nameLocation: 'middle', nameGap: 25,
        axisLabel: {formatter: percent}},
      yAxis: {type: 'value', min: 0, max: 1, name: t['dashboard.revenueShare'], axisLabel: {formatter: percent}},
      series: [{type: 'line', smooth: true, areaStyle: {opacity: 0.15}, showSymbol: false,
        data: d.pareto.map(function (p) { return [p.customerShare, p.revenueShare]; })},
        {type: 'line', showSymbol: false, lineStyle: {type: 'dashed', color: '#94a3b8'}, data: [[0, 0], [1, 1]],
          tooltip: {show: false}}]
    }, true);
  }

  function histogram(id, h, format, name, t) {
    var labels = [];
    for (var i = 0; i < h.counts.length; i++) {
      var last = i === h.counts.length - 1;
      labels.push(format(h.edges[i]) + (last && id === 'chart-clv' ? '+' : '–' + format(h.edges[i + 1])));
    }
    chart(id).setOption({
      color: palette,
      tooltip: {trigger: 'axis'},
      grid: {left: 50, right: 20, top: 20, bottom: 60},
      xAxis: {type: 'category', data: labels, name: name, nameLocation: 'middle', nameGap: 45,
        axisLabel: {rotate: 30}},
      yAxis: {type: 'value', name: t['dashboard.customers']},
      series: [{type: 'bar', data: h.counts}]
    }, true);
  }

  function cohorts(d, t) {
    var longest = 0;
    d.cohorts.forEach(function (c) { longest = Math.max(longest, c.retention.length); });
    var months = [];
    for (var k = 1; k <= longest; k++) {
      months.push(String(k));
    }
    chart('chart-cohorts').setOption({
      color: palette,
      tooltip: {trigger: 'axis', valueFormatter: percent},
      legend: {type: 'scroll', bottom: 0},
      grid: {left: 50, right: 20, top: 20, bottom: 60},
      xAxis: {type: 'category', data: months, name: t['dashboard.monthsAfter'], nameLocation: 'middle', nameGap: 25},
      yAxis: {type: 'value', name: t['dashboard.retention'], axisLabel: {formatter: percent}},
      series: d.cohorts.map(function (c) {
        return {type: 'line', name: c.month + ' (' + c.customers + ')', data: c.retention};
      })
    }, true);
  }

  function calibration(d, t) {
    var m = d.churnModel;
    if (!m || !chart('chart-calibration')) {
      return;
    }
    chart('chart-calibration').setOption({
      color: palette,
      tooltip: {trigger: 'axis', valueFormatter: percent},
      legend: {bottom: 0},
      grid: {left: 50, right: 20, top: 20, bottom: 50},
      xAxis: {type: 'category', data: m.calibration.map(function (b, i) { return String(i + 1); })},
      yAxis: {type: 'value', min: 0, max: 1, axisLabel: {formatter: percent}},
      series: [
        {type: 'bar', name: t['scoring.churn.predicted'], data: m.calibration.map(function (b) { return b.meanPredicted; })},
        {type: 'bar', name: t['scoring.churn.observed'], data: m.calibration.map(function (b) { return b.observedRate; })}
      ]
    }, true);
  }

  function render(payload) {
    var d = payload.dashboard;
    var t = payload.labels;
    rfm(d, t);
    distribution('chart-lifecycle', d.lifecycle, 'stage.', t);
    distribution('chart-tiers', d.tiers, 'tier.', t);
    pareto(d, t);
    histogram('chart-clv', d.lifetimeValue, number, t['dashboard.clv'], t);
    histogram('chart-churn', d.churnRisk, percent, t['dashboard.churnRisk'], t);
    cohorts(d, t);
    calibration(d, t);
    document.getElementById('dashboard').setAttribute('data-rendered', String(Date.now()));
  }

  function load() {
    var root = document.getElementById('dashboard');
    if (!root || typeof echarts === 'undefined') {
      return;
    }
    fetch(root.getAttribute('data-source'), {headers: {Accept: 'application/json'}, credentials: 'same-origin'})
      .then(function (response) {
        if (!response.ok) {
          throw new Error('dashboard data: HTTP ' + response.status);
        }
        return response.json();
      })
      .then(render)
      .catch(function (e) { console.error(e); });
  }

  document.body.addEventListener('scoring-done', load);
  window.addEventListener('resize', function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
  load();
}());
