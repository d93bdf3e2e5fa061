/*
 * A journey's uplift over time (Apache ECharts, as the dashboard): conversion of the journey's customers and of the
 * holdout by day since entry, and the uplift with its 95 % interval as a band, from /journeys/{code}/uplift (the
 * journey module's Journeys.upliftByDay). Labels come in the page in the viewer's language. A file of its own
 * because the console's CSP allows no inline script.
 */
(function () {
  'use strict';

  var element = document.getElementById('uplift-chart');
  if (!element || typeof echarts === 'undefined') {
    return;
  }
  function label(name) {
    return element.getAttribute('data-label-' + name);
  }
  function percent(v) {
    return Math.round(v * 1000) / 10;
  }

  fetch(element.getAttribute('data-source'), {headers: {Accept: 'application/json'}, credentials: 'same-origin'})
    .then(function (response) {
      if (!response.ok) {
        throw new Error('uplift data: HTTP ' + response.status);
      }
      return response.json();
    })
    .then(function (curve) {
      var days = curve.days.filter(function (d) { return d.treatmentEntered + d.holdoutEntered > 0; });
      element.setAttribute('data-points', String(days.length));
      var chart = echarts.init(element);
      if (!days.length) {
        chart.setOption({title: {text: label('no-data'), left: 'center', top: 'middle',
          textStyle: {fontSize: 14, color: '#667085', fontWeight: 'normal'}}});
        return;
      }
      var x = days.map(function (d) { return label('day') + ' ' + d.day; });
      chart.setOption({
        color: ['#0f766e', '#64748b', '#7a5af8'],
        tooltip: {
          trigger: 'axis',
          formatter: function (items) {
            var d = days[items[0].dataIndex];
            return x[items[0].dataIndex] + '<br>' + label('treatment') + ': ' + percent(d.treatmentRate) + '% ('
              + d.treatmentConverted + '/' + d.treatmentEntered + ')<br>' + label('holdout') + ': '
              + percent(d.holdoutRate) + '% (' + d.holdoutConverted + '/' + d.holdoutEntered + ')<br>'
              + label('uplift') + ': ' + percent(d.uplift) + ' (' + percent(d.upliftLow) + ' … '
              + percent(d.upliftHigh) + ')';
          }
        },
        legend: {bottom: 0, data: [label('treatment'), label('holdout'), label('uplift'), label('interval')]},
        grid: {left: 55, right: 20, top: 20, bottom: 50},
        xAxis: {type: 'category', data: x, boundaryGap: false},
        yAxis: {type: 'value', name: label('rate') + ' %', axisLabel: {formatter: '{value}%'}},
        series: [
          {name: label('treatment'), type: 'line', data: days.map(function (d) { return percent(d.treatmentRate); })},
          {name: label('holdout'), type: 'line', data: days.map(function (d) { return percent(d.holdoutRate); })},
          {name: label('uplift'), type: 'line', lineStyle: {type: 'dashed'},
            data: days.map(function (d) { return percent(d.uplift); })},
          // the band: the interval's lower edge (invisible), then its width stacked on it
          {name: label('interval'), type: 'line', stack: 'interval', symbol: 'none', lineStyle: {opacity: 0},
            data: days.map(function (d) { return percent(d.upliftLow); })},
          {name: label('interval'), type: 'line', stack: 'interval', symbol: 'none', lineStyle: {opacity: 0},
            areaStyle: {color: 'rgba(122, 90, 248, 0.18)'},
            data: days.map(function (d) { return Math.round((d.upliftHigh - d.upliftLow) * 1000) / 10; })}
        ]
      });
      window.addEventListener('resize', function () { chart.resize(); });
      element.setAttribute('data-rendered', 'true');
    })
    .catch(function (e) { console.error(e); });
}());
