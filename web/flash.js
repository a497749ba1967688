// The flash message under the top bar: errors stay, info messages go after 4 s.
export function flash(msg, kind = 'error') {
  const el = document.getElementById('flash');
  el.textContent = msg;
  el.className = 'flash' + (kind === 'info' ? ' info' : '');
  el.hidden = !msg;
  if (kind === 'info')
    setTimeout(() => {
      if (el.textContent === msg) el.hidden = true;
    }, 4000);
}

export function hideFlash() {
  document.getElementById('flash').hidden = true;
}

export const errorText = (e) => (e && e.message) || String(e);

// A form's submit: `submit` disabled while `action` runs (a double click never sends twice),
// the hub's message flashed when it fails.
export function onSubmit(form, submit, action) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    try {
      await action();
    } catch (e) {
      flash(errorText(e));
    } finally {
      submit.disabled = false;
    }
  });
}
