/*
 * Loyalty overview charts (Apache ECharts): members per tier and upgrades/downgrades per month, from
 * /loyalty/chart-data with labels in the viewer's language. A file of its own because the console's CSP allows no
 * inline script.
 */
(function () {
  'use strict';

  var palette = ['#94a3b8', '#f59e0b', '#111827', '#0f766e', '#6366f1'];

  function draw(payload) {
    var t = payload.labels;
    var codes = Object.keys(payload.distribution);
    var tiers = echarts.init(document.getElementById('chart-tiers'));
    tiers.setOption({
      color: palette,
      tooltip: {trigger: 'item'},
      series: [{type: 'pie', radius: ['35%', '70%'], label: {formatter: '{b}: {c}'},
        data: codes.map(function (c) { return {name: payload.tiers[c] || c, value: payload.distribution[c]}; })}]
    });
    var movement = echarts.init(document.getElementById('chart-movement'));
    movement.setOption({
      color: ['#0f766e', '#ef4444'],
      tooltip: {trigger: 'axis'},
      legend: {bottom: 0},
      grid: {left: 40, right: 20, top: 20, bottom: 50},
      xAxis: {type: 'category', data: payload.movements.map(function (m) { return m.month; })},
      yAxis: {type: 'value', name: t['loyalty.members']},
      series: [
        {name: t['loyalty.upgrades'], type: 'bar', stack: 'm', data: payload.movements.map(function (m) { return m.upgrades; })},
        {name: t['loyalty.downgrades'], type: 'bar', stack: 'm', data: payload.movements.map(function (m) { return -m.downgrades; })}
      ]
    });
    window.addEventListener('resize', function () { tiers.resize(); movement.resize(); });
    document.getElementById('loyalty').setAttribute('data-rendered', String(Date.now()));
  }

  var root = document.getElementById('loyalty');
  if (!root || typeof echarts === 'undefined') {
    return;
  }
  fetch(root.getAttribute('data-source'), {headers: {Accept: 'application/json'}, credentials: 'same-origin'})
    .then(function (response) {
      if (!response.ok) {
        throw new Error('loyalty chart data: HTTP ' + response.status);
      }
      return response.json();
    })
    .then(draw)
    .catch(function (e) { console.error(e); });
}());
