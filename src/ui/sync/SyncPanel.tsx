/** The station's sync state (issue 12): placeholder until the sync panel lands; mounted on Home and Settings. */
export function SyncPanel() {
  return null;
}
