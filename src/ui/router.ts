import { useEffect, useState } from 'react';

/** The app's screens, addressed by the URL hash: #/review, #/student/S01. */
export const SCREENS = ['home', 'print', 'scan', 'review', 'results', 'students', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];
export type Route = { screen: Screen; params: string[] };

export function parseHash(hash: string): Route {
  const [name, ...params] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const screen = (SCREENS as readonly string[]).includes(name ?? '') ? (name as Screen) : 'home';
  return { screen, params: params.filter((p) => p !== '') };
}

export const hrefOf = (screen: Screen, ...params: string[]) => `#/${[screen, ...params].map(encodeURIComponent).join('/')}`;
export const go = (screen: Screen, ...params: string[]) => void (location.hash = hrefOf(screen, ...params));

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
