// Charts of a campaign report, drawn with Chart.js from the JSON the page embeds.
(function () {
  "use strict";
  const source = document.getElementById("campaign-report-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);

  const channels = [...new Set(data.daily.map((row) => row[1]))];
  new Chart(document.getElementById("chart-daily"), {
    type: "bar",
    data: {
      labels: data.days,
      datasets: channels.map((channel) => ({
        label: channel,
        data: data.days.map((day) => {
          const row = data.daily.find((r) => r[0] === day && r[1] === channel);
          return row ? row[2] : 0;
        }),
      })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });

  new Chart(document.getElementById("chart-funnel"), {
    type: "bar",
    data: {
      labels: data.funnel.map((row) => row[0]),
      datasets: [{ label: "", data: data.funnel.map((row) => row[1]) }],
    },
    options: { indexAxis: "y", plugins: { legend: { display: false } } },
  });

  new Chart(document.getElementById("chart-reasons"), {
    type: "doughnut",
    data: {
      labels: data.reasons.map((row) => row[0]),
      datasets: [{ data: data.reasons.map((row) => row[1]) }],
    },
  });
})();
