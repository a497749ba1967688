// REST calls to the hub (docs/api.md): header `apikey`, errors as {"message"}.
const KEY = 'xport.apikey';

export const getKey = () => localStorage.getItem(KEY) || '';
export const setKey = (k) => (k ? localStorage.setItem(KEY, k) : localStorage.removeItem(KEY));

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export async function api(method, path, body, { raw = false } = {}) {
  const headers = { apikey: getKey() };
  let payload;
  if (body instanceof Blob || body instanceof ArrayBuffer) {
    payload = body;
    headers['Content-Type'] = 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload });
  } catch (e) {
    throw new ApiError(0, `cannot reach the hub: ${e.message}`);
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    let msg = `${(data && data.message) || text || res.statusText} (HTTP ${res.status})`;
    // Import problems: one line each, unless the message already says it.
    if (data && Array.isArray(data.errors)) {
      const extra = data.errors
        .map((e) => e.text || e.reason)
        .filter((t) => t && !msg.includes(t.replace(/^.*?: /, '')));
      if (extra.length) msg += '\n' + extra.slice(0, 10).join('\n');
    }
    throw new ApiError(res.status, msg, data);
  }
  return raw ? text : data;
}
