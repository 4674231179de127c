/* Draws the year's livelihood-project charts (progress and satisfaction per project) with the
   vendored ECharts from the json_script data (#progress-chart-data). Without JavaScript, or
   without ECharts, the table below stays the page. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("progress-chart-data");
    if (!source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var drawn = [];
    [["progress", "实施进度（%）", data.progress, 100],
     ["satisfaction", "平均满意度（满分 5 分）", data.satisfaction, 5]].forEach(function (c) {
      var box = document.querySelector('[data-chart="' + c[0] + '"]');
      if (!box) { return; }
      box.hidden = false;
      var chart = window.echarts.init(box, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        title: { text: c[1], textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 24, bottom: 8, top: 32, containLabel: true },
        xAxis: { type: "value", min: 0, max: c[3] },
        yAxis: { type: "category", data: data.titles, inverse: true,
                 axisLabel: { width: 120, overflow: "truncate" } },
        series: [{ name: c[1], type: "bar", data: c[2], label: { show: true, position: "right" } }]
      });
      drawn.push(chart);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (chart) { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
