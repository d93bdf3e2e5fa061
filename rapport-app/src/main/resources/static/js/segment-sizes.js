/*
 * Size over time of a saved segment (Apache ECharts, as the loyalty and scoring pages): members per day as a line,
 * that day's entries and exits as bars. The daily sizes come in the page (data-chart), labels in the viewer's
 * language (data-label-*). A file of its own because the console's CSP allows no inline script.
 */
(function () {
  'use strict';

  var element = document.getElementById('chart-sizes');
  if (!element || typeof echarts === 'undefined') {
    return;
  }
  var data = JSON.parse(element.getAttribute('data-chart'));
  var chart = echarts.init(element);
  chart.setOption({
    color: ['#0f766e', '#6366f1', '#ef4444'],
    tooltip: {trigger: 'axis'},
    legend: {bottom: 0},
    grid: {left: 50, right: 20, top: 20, bottom: 50},
    xAxis: {type: 'category', data: data.days},
    yAxis: {type: 'value', minInterval: 1},
    series: [
      {name: element.getAttribute('data-label-size'), type: 'line', data: data.sizes, showSymbol: true},
      {name: element.getAttribute('data-label-entries'), type: 'bar', data: data.entries},
      {name: element.getAttribute('data-label-exits'), type: 'bar', data: data.exits}
    ]
  });
  window.addEventListener('resize', function () { chart.resize(); });
  element.setAttribute('data-points', String(data.sizes.length));
}());
