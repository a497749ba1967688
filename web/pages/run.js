// #/runs/SESSION (a failed run's notification links here): goes to the run's project.
import { api } from '../api.js';
import { flash, errorText } from '../flash.js';

export async function runPage(session) {
  try {
    const r = await api('GET', `/api/runs/${session}`);
    location.hash = `#/projects/${r.projectId}`;
  } catch (e) {
    flash(errorText(e));
  }
}
