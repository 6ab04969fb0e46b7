import express from 'express';

// What `/` answers when builder/dist was never built (e.g. `npm ci --ignore-scripts`, or a copy of the
// repository without it): a page that says how to get the builder, rather than the API's JSON 404.
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Foresight: builder not built</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222;line-height:1.5}code,pre{background:#f2f4f8;border-radius:4px;padding:.1rem .3rem}pre{padding:.6rem .8rem}</style></head>
<body><h1>The API is running; the builder is not built</h1>
<p>Foresight answers its API under <code>/api</code> (see <a href="/api/docs">/api/docs</a>), but the browser app in <code>builder/dist</code> is missing. It is built when the dependencies are installed (<code>npm ci</code> runs <code>npm run build</code>), unless install scripts were skipped. Build it, then restart the server:</p>
<pre>npm run build
npx foresight serve</pre>
</body></html>`;

/** Serves the "build the builder" page at `/` (the builder routes on the client, after `#`). */
export function builderMissingPage(): express.Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.status(503).type('html').send(PAGE);
  });
  return router;
}
