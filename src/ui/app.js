// The browser-mode UI: it talks to the station only through the handler map (POST /api/<handler>).
// Access is a session cookie (HttpOnly): set by the station's launch link, or by signing in with a station token.
const api = async (name, input = {}) => {
  const res = await fetch(`/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
  if (res.status === 401) showSignIn();
  return res.json();
};

function showSignIn() {
  document.querySelector('#sign-in').hidden = false;
  document.querySelector('#status').textContent = 'not signed in · 未登录';
}

async function signIn(event) {
  event.preventDefault();
  const token = document.querySelector('#token').value;
  const res = await fetch('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  const r = await res.json();
  if (!r.ok) return void (document.querySelector('#sign-in-message').textContent = r.error.message);
  document.querySelector('#sign-in').hidden = true;
  start();
}

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (k.startsWith('on')) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  node.append(...children);
  return node;
};

async function loadClasses() {
  const r = await api('list', { what: 'classes' });
  const body = document.querySelector('#classes tbody');
  body.replaceChildren(...(r.ok ? r.value : []).map((c) => el('tr', {}, el('td', {}, c.id), el('td', {}, c.name), el('td', {}, String(c.grade)), el('td', {}, String(c.students)))));
}

async function loadReviews() {
  const r = await api('reviewQueue');
  const list = r.ok ? r.value : [];
  document.querySelector('#review-count').textContent = `(${list.length})`;
  document.querySelector('#reviews').replaceChildren(
    ...(list.length ? list.map(reviewCard) : [el('p', {}, 'Nothing to review. 没有待复核的题目。')]),
  );
}

function reviewCard(review) {
  const answer = el('input', { 'aria-label': `answer for response ${review.responseId}`, value: review.answer ?? '' });
  const message = el('span', { class: 'message' });
  const resolve = async () => {
    const r = await api('resolve', { responseId: review.responseId, answer: answer.value.trim() === '' ? null : answer.value.trim() });
    message.textContent = r.ok ? `saved: ${r.value.score}/${r.value.maxScore}` : r.error.message;
    if (r.ok) setTimeout(loadReviews, 300);
  };
  return el(
    'div',
    { class: 'card', 'data-response': String(review.responseId) },
    el('img', { src: `/crop/${review.responseId}`, alt: `what the scanner saw for ${review.itemId}` }),
    el('div', { class: 'meta' },
      el('div', {}, `${review.studentName} (${review.studentId}) · ${review.itemId} · page ${review.pageId}`),
      el('div', {}, `read: ${review.answer ?? '(blank)'} · confidence ${review.confidence.toFixed(2)}`),
      el('div', {}, `why: ${review.reasons.join(', ') || 'uncertain'}`)),
    answer,
    el('button', { onclick: resolve }, 'Resolve 确认'),
    message,
  );
}

function listen() {
  const status = document.querySelector('#status');
  const events = new EventSource('/events');
  events.onopen = () => (status.textContent = 'connected · 已连接');
  events.onerror = () => (status.textContent = 'station not reachable · 连接中断');
  events.onmessage = (m) => {
    const e = JSON.parse(m.data);
    document.querySelector('#progress').textContent = e.summary ?? `${e.type}`;
    const list = document.querySelector('#events');
    list.prepend(el('li', {}, `${e.type} ${e.pageId ?? ''} ${e.detail ?? ''}`));
    while (list.children.length > 50) list.lastChild.remove();
    if (e.type === 'graded' && e.reviews > 0) loadReviews();
  };
  return events;
}

let eventStream = null;
function start() {
  loadClasses();
  loadReviews();
  eventStream?.close();
  eventStream = listen();
}

document.querySelector('#sign-in').addEventListener('submit', signIn);
start();
