/* Draws the dashboard's charts with the vendored ECharts from the json_script data
   (#oversight-charts). Without JavaScript, or without ECharts, the data tables stay the page. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("oversight-charts");
    if (!source || typeof window.echarts === "undefined") { return; }
    var charts = JSON.parse(source.textContent);
    var drawn = [];
    charts.forEach(function (data) {
      var box = document.querySelector('[data-chart="' + data.code + '"]');
      if (!box) { return; }
      box.hidden = false;
      var chart = window.echarts.init(box, null, { renderer: "svg" });
      chart.setOption(data.type === "heatmap" ? heatmap(data) : bar(data));
      drawn.push(chart);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (chart) { chart.resize(); });
    });
  }
  function bar(data) {
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: data.categories, inverse: true,
               axisLabel: { width: 140, overflow: "truncate" } },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "all", data: s.data };
      })
    };
  }
  function heatmap(data) {
    var cells = data.cells.map(function (c) {
      var ratio = c[3] ? c[2] / c[3] : (c[2] ? 1 : 0);
      return { value: [c[0], c[1], Math.round(ratio * 100)], counts: c[2] + "/" + (c[3] === null ? "—" : c[3]) };
    });
    return {
      animation: false,
      tooltip: { formatter: function (p) {
        return data.categories[p.value[1]] + " · " + data.columns[p.value[0]] + "：" + p.data.counts;
      } },
      grid: { left: 8, right: 8, bottom: 48, top: 8, containLabel: true },
      xAxis: { type: "category", data: data.columns },
      yAxis: { type: "category", data: data.categories, inverse: true,
               axisLabel: { width: 120, overflow: "truncate" } },
      visualMap: { min: 0, max: 100, orient: "horizontal", left: "center", bottom: 0,
                   text: ["100%", "0%"], calculable: false,
                   inRange: { color: ["#fbe3d6", "#f6b26b", "#38761d"] } },
      series: [{ type: "heatmap", data: cells,
                 label: { show: true, formatter: function (p) { return p.data.counts; } } }]
    };
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
