import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Me, signIn, signOut, whenSignedOut } from './api';
import './styles.css';
import { ErrorNote } from './ui';
import { AuditView } from './views/audit';
import { DeadLettersView, SearchView } from './views/operations';
import { OverviewView } from './views/overview';
import { ProviderView } from './views/provider';
import { SalesView } from './views/sales';
import { UsersView } from './views/users';

const BASE = '/admin';
const VIEWS = [
  { path: 'overview', title: 'Overview' },
  { path: 'sales', title: 'Sales' },
  { path: 'provider', title: 'Provider' },
  { path: 'dead-letters', title: 'Dead letters' },
  { path: 'search', title: 'Search' },
  { path: 'users', title: 'Users' },
  { path: 'audit', title: 'Audit' },
] as const;
type ViewPath = (typeof VIEWS)[number]['path'];

function currentView(): ViewPath {
  const path = location.pathname.slice(BASE.length + 1).split('/')[0];
  return VIEWS.find((view) => view.path === path)?.path ?? 'overview';
}

function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    signIn(form.get('email') as string, form.get('password') as string)
      .then(onSignedIn)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <main class="sign-in">
      <h1>Plans platform console</h1>
      <form onSubmit={submit}>
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <ErrorNote error={error} />
    </main>
  );
}

function Console({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const [view, setView] = useState<ViewPath>(currentView);
  const mainRef = useRef<HTMLElement>(null);
  useEffect(() => {
    const onPop = () => setView(currentView());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const show = (path: ViewPath) => {
    history.pushState(null, '', `${BASE}/${path}`);
    setView(path);
    mainRef.current?.focus();
  };
  const go = (event: MouseEvent, path: ViewPath) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    show(path);
  };
  return (
    <div class="layout">
      <header>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <span class="brand">Plans console</span>
        <nav aria-label="Views">
          {VIEWS.map((item) => (
            <a key={item.path} href={`${BASE}/${item.path}`} aria-current={view === item.path ? 'page' : undefined} onClick={(event) => go(event, item.path)}>
              {item.title}
            </a>
          ))}
        </nav>
        <span class="who">{me.email}</span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        {view === 'overview' ? <OverviewView go={(path) => show(path as ViewPath)} /> : null}
        {view === 'sales' ? <SalesView /> : null}
        {view === 'provider' ? <ProviderView /> : null}
        {view === 'dead-letters' ? <DeadLettersView /> : null}
        {view === 'search' ? <SearchView /> : null}
        {view === 'users' ? <UsersView me={me} /> : null}
        {view === 'audit' ? <AuditView /> : null}
      </main>
    </div>
  );
}

function App() {
  const [me, setMe] = useState<Me | null>(null);
  const [refused, setRefused] = useState<Me | null>(null);
  useEffect(() => whenSignedOut(() => setMe(null)), []);
  const onSignedIn = (user: Me) => {
    if (user.role === 'admin') return setMe(user);
    // A non-admin sees nothing but this; their session ends here.
    setRefused(user);
    void signOut();
  };
  if (refused) {
    return (
      <main class="sign-in">
        <h1>Not allowed</h1>
        <p role="alert">{refused.email} is not an admin. The console is for admins only.</p>
        <button type="button" onClick={() => setRefused(null)}>
          Back to sign in
        </button>
      </main>
    );
  }
  if (!me) return <SignIn onSignedIn={onSignedIn} />;
  return (
    <Console
      me={me}
      onSignOut={() => {
        void signOut().then(() => setMe(null));
      }}
    />
  );
}

render(<App />, document.getElementById('app')!);
