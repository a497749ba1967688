// #/runs/SESSION (runs' notifications and the run history link here): one run as a person
// follows it. Its state, the plugin's progress as a bar with an ETA, the live log and, once
// it finished, the conversion report and the download. Kept current by `run` events (each
// log line comes with one) and by the poller while not live.
import { api } from '../api.js';
import { h, fmtTime, fmtDuration, showPage } from '../dom.js';
import { flash, errorText } from '../flash.js';
import { progressView } from '../components/run-progress.js';
import { reportView } from '../components/run-report.js';
import {
  cancelRun,
  downloadRun,
  logLine,
  shownRun,
  stateBadge,
} from '../components/run-history.js';
import { onRunEvent, poller } from '../page-timers.js';

const backLink = (run) =>
  h(
    'p',
    {},
    run
      ? h('a', { href: `#/projects/${run.projectId}` }, `← ${run.projectName || 'Project'}`)
      : h('a', { href: '#/projects' }, '← Projects'),
  );

function details(run) {
  const key = (text) => h('span', { class: 'muted' }, text);
  const download =
    run.state === 'succeeded'
      ? h('button', { type: 'button', onclick: () => downloadRun(run.session) }, 'Download')
      : null;
  const cancel =
    run.state === 'queued' || run.state === 'dispatched'
      ? h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => cancelRun(run.session) },
          'Cancel run',
        )
      : null;
  return [
    h(
      'div',
      { class: 'kv' },
      key('State'),
      stateBadge(run),
      run.message ? key('Why') : null,
      run.message ? h('span', { class: 'error', 'data-testid': 'run-message' }, run.message) : null,
      key('Plugin'),
      h('span', {}, run.pluginName || run.pluginId),
      key('Started'),
      h('span', {}, fmtTime(run.createdAt)),
      key('Duration'),
      h('span', {}, run.finishedAt ? fmtDuration(run.durationMs) : 'running'),
    ),
    download || cancel
      ? h('div', { class: 'row', style: 'margin-top:.6rem' }, download, cancel)
      : null,
  ];
}

// The page's state lives in these closures (a new route builds a new page).
export async function runPage(session) {
  let run;
  try {
    run = await api('GET', `/api/runs/${session}`);
  } catch (e) {
    flash(errorText(e));
    showPage(backLink(null));
    return;
  }
  const head = h('section', { class: 'card', 'aria-label': 'Run' });
  const progress = h('div');
  const report = h('div');
  const logs = h('pre', { class: 'logs', 'aria-label': 'Run logs' }, '(no log lines yet)');
  let seq = 0; // the last log line shown
  const append = (lines) => {
    const fresh = lines.filter((l) => l.seq > seq);
    if (!fresh.length) return;
    logs.textContent = (seq ? logs.textContent + '\n' : '') + fresh.map(logLine).join('\n');
    seq = fresh[fresh.length - 1].seq;
    logs.scrollTop = logs.scrollHeight;
  };
  const loadLogs = () =>
    api('GET', `/api/runs/${session}/logs?after=${seq}&limit=1000`)
      .then(({ logs: lines }) => append(lines))
      .catch((e) => flash(errorText(e)));
  const render = (r) => {
    run = r;
    head.replaceChildren(...details(r).filter(Boolean));
    progress.replaceChildren(progressView(r));
    report.replaceChildren(r.report ? reportView(r.report) : '');
  };
  showPage(
    backLink(run),
    h('h1', {}, `Run of ${run.pluginName || 'a plugin'} on ${run.projectName || run.projectId}`),
    head,
    progress,
    h('section', { class: 'card', 'aria-label': 'Log' }, h('h2', {}, 'Log'), logs),
    report,
  );
  render(run);
  poller(async () => {
    try {
      render(shownRun(run, await api('GET', `/api/runs/${session}`)));
      await loadLogs();
    } catch (e) {
      flash(errorText(e));
    }
  });
  onRunEvent((event) => {
    if (event.session !== session) return;
    if (event.log) {
      if (event.log.seq === seq + 1) append([event.log]);
      else if (event.log.seq > seq) loadLogs(); // a line missed: read what is missing
    }
    render(shownRun(run, event));
  });
}
