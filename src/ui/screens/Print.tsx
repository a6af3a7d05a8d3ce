import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OutputOf } from '../api';
import { Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { ComposeForm } from '../print/ComposeForm';
import { DaySets } from '../print/DaySets';
import { NextDayForm } from '../print/NextDayForm';
import { tomorrow } from '../print/format';
import { Publication } from '../print/Publication';
import { SetView } from '../print/SetView';
import { go, type Route } from '../router';
import './print.css';

/**
 * The Print screen: compose a class's workbooks for a day, check the cap ledger and the pages, approve,
 * then print on a CUPS printer or save the PDF. Route: #/print/<class>/<date>/<set>.
 */
export function PrintScreen({ route }: { route: Route }) {
  const { t } = useTranslation('print');
  const setup = useHandler('printSetup', {});
  return (
    <div className="print-screen">
      <h1>{t('title')}</h1>
      <Loadable state={setup} reload={setup.reload} isEmpty={(v) => v.classes.length === 0} empty={t('noClasses')}>
        {(v) => <PrintWorkspace setup={v} route={route} />}
      </Loadable>
    </div>
  );
}

function PrintWorkspace({ setup, route }: { setup: OutputOf<'printSetup'>; route: Route }) {
  const [routeClass, routeDate, setId] = route.params;
  const classId = setup.classes.some((c) => c.id === routeClass) ? routeClass! : setup.classes[0]!.id;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(routeDate ?? '') ? routeDate! : tomorrow();
  // Bumped after compose, approve and print, so the day's list and the notice show what changed.
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  return (
    <div className="print-layout">
      <div className="print-side">
        <ComposeForm
          key={classId}
          setup={setup}
          classId={classId}
          date={date}
          onPlace={(c, d) => go('print', c, d)}
          onComposed={(id) => {
            changed();
            go('print', classId, date, id);
          }}
        />
        <NextDayForm
          key={`next-${classId}`}
          setup={setup}
          classId={classId}
          date={date}
          onChosen={(id) => {
            changed();
            go('print', classId, date, id);
          }}
        />
        <DaySets classId={classId} date={date} selected={setId} version={version} />
        <Publication classId={classId} date={date} version={version} />
      </div>
      <div className="print-main">{setId ? <SetView key={setId} setId={setId} onChanged={changed} /> : null}</div>
    </div>
  );
}
