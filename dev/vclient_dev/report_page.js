// The report page's charts (Chart.js is inlined before this script). Data: #report-data.
const report = JSON.parse(document.getElementById('report-data').textContent);
const colours = JSON.parse(document.getElementById('colours').textContent);
const engines = report.engines;
const h = report.voice_to_voice_histogram;
const labels = h.edges.slice(0, -1).map((e, i) => `${e}–${h.edges[i + 1]}`);
new Chart(document.getElementById('v2v'), {
  type: 'bar',
  data: {labels, datasets: engines.map((e) => ({label: e, data: h.counts[e],
    backgroundColor: colours[e] || '#888'}))},
  options: {animation: false, plugins: {title: {display: true,
    text: `Voice-to-voice per turn, ms (${h.timing})`}},
    scales: {y: {title: {display: true, text: 'turns'}, ticks: {precision: 0}}}},
});
const metric = (key, pick) => engines.map((e) => pick(report.by_engine[e][key]));
new Chart(document.getElementById('quality'), {
  type: 'bar',
  data: {labels: engines, datasets: [
    {label: 'fidelity (median)', data: metric('fidelity', (f) => f.median), backgroundColor: '#7a5cc7'},
    {label: 'operator score (median)', data: metric('operator_score', (f) => f.median), backgroundColor: '#c75c8e'},
  ]},
  options: {animation: false, plugins: {title: {display: true, text: 'Quality, 0–100 (n in the table)'}},
    scales: {y: {min: 0, max: 100}}},
});
const num = (v) => (typeof v === 'number' ? v : null);
new Chart(document.getElementById('cost'), {
  type: 'bar',
  data: {labels: engines, datasets: [
    {label: 'cost per call, USD', data: metric('cost', (c) => num(c.per_call_usd)), backgroundColor: '#5c8ec7'},
    {label: 'cost per minute, USD', data: metric('cost', (c) => num(c.per_minute_usd)), backgroundColor: '#9bb8dd'},
  ]},
  options: {animation: false, plugins: {title: {display: true,
    text: 'Cost (an unknown cost has no bar; see the table)'}}},
});
