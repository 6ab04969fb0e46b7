import { lazy, Suspense } from 'react';
import { navigate, useRoute, type Route } from './router.ts';
import type { User } from './types.ts';
import { SessionGate } from './pages/SessionGate.tsx';
import { JourneyList } from './pages/JourneyList.tsx';
import { Templates } from './pages/Templates.tsx';
import { Segments } from './pages/Segments.tsx';
import { BrandSettings } from './pages/Brand.tsx';
import { Customers } from './pages/Customers.tsx';
import { Kpis } from './pages/Kpis.tsx';
import { Editor } from './canvas/Editor.tsx';

// The charts library is only needed on the Insights page: load it there.
const Insights = lazy(() => import('./pages/Insights.tsx').then((m) => ({ default: m.Insights })));

/** The pages, behind the sign-in check. */
export function App() {
  const route = useRoute();
  return (
    <SessionGate>
      {(session, signOut) =>
        route.page === 'editor' ? (
          <Editor key={route.id} journeyId={route.id} />
        ) : (
          <div className="shell">
            <TopBar route={route} user={session.user} onSignOut={signOut} />
            <main className="page">
              {route.page === 'journeys' && <JourneyList />}
              {route.page === 'templates' && <Templates />}
              {route.page === 'segments' && <Segments name={route.name} />}
              {route.page === 'customers' && <Customers id={route.id} isAdmin={session.user.role === 'admin'} />}
              {route.page === 'kpis' && <Kpis />}
              {route.page === 'brand' && <BrandSettings />}
              {route.page === 'insights' && (
                <Suspense fallback={<p className="muted">Loading…</p>}>
                  <Insights />
                </Suspense>
              )}
            </main>
          </div>
        )
      }
    </SessionGate>
  );
}

function TopBar({ route, user, onSignOut }: { route: Route; user: User; onSignOut: () => void }) {
  const tab = (r: Route, label: string) => (
    <button type="button" className={`tab ${route.page === r.page ? 'active' : ''}`} onClick={() => navigate(r)}>
      {label}
    </button>
  );
  return (
    <header className="topbar">
      <div className="brand">
        <span className="logo" aria-hidden="true" />
        Foresight
      </div>
      <nav className="tabs">
        {tab({ page: 'journeys' }, 'Journeys')}
        {tab({ page: 'templates' }, 'Templates')}
        {tab({ page: 'segments' }, 'Segments')}
        {tab({ page: 'customers' }, 'Customers')}
        {tab({ page: 'kpis' }, 'KPIs')}
        {tab({ page: 'insights' }, 'Insights')}
        {tab({ page: 'brand' }, 'Brand')}
      </nav>
      <div className="user">
        <span>{user.email}</span>
        <button type="button" className="btn ghost" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
