import express from 'express';

// The first-admin form behind the one-time link printed at start-up. Server-rendered so it works
// before (or without) a built builder; the token stays in the page and goes to POST /api/auth/setup.
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Foresight setup</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#222}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem}#msg{color:#b00020}</style></head>
<body><h1>Create the first admin</h1><form id="f"><label for="email">Email</label><input id="email" type="email" required autocomplete="username">
<label for="password">Password (10+ characters)</label><input id="password" type="password" minlength="10" required autocomplete="new-password">
<button type="submit">Create admin and sign in</button><p id="msg" role="alert"></p></form>
<script>
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const token = new URLSearchParams(location.search).get('token') || '';
  const res = await fetch('/api/auth/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, email: document.getElementById('email').value, password: document.getElementById('password').value }) });
  if (res.ok) location.href = '/';
  else document.getElementById('msg').textContent = (await res.json()).error.message;
});
</script></body></html>`;

export function setupPage(): express.Router {
  const router = express.Router();
  router.get('/setup', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(PAGE);
  });
  return router;
}
