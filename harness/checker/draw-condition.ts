/**
 * The draw's condition of the checker: it ran exactly once, after every agency was done, over
 * every stored bet, and a restarted server that recovered it found the same totals.
 *
 * "Once" is read from the server's lines: one `sorteo` in all its lives. One shape without it is
 * also right: the server records the draw on disk before it logs `sorteo` (and before it tells
 * any winner), so a life killed between the two (SIGKILL, a crash) leaves a recorded draw that
 * no line announced, and the restarted server logs only `sorteo_recuperado`. That is accepted
 * only when a server life ended uncleanly before the first `sorteo_recuperado`; a recovered draw
 * with no such end before it, two `sorteo`, or recovered totals that differ stay red.
 */
import type { CheckedCondition } from './check-result.js';
import { isLogRecord, isProcessEnd, type RunEvent, select } from './run-events.js';

/**
 * The first line where the server says that every agency it expects is done: a notice
 * (`notificacion_recibida … agencias_listas: 5/5`, its own count: the lottery may expect more
 * agencies than the checked clients), or a restarted server that found them all in its journal
 * (`abrir_almacenamiento … done: 5`, then `servidor_escuchando … agencias_esperadas: 5`): a life
 * killed after the last done record reached the disk but before its notice was logged leaves
 * only that.
 */
function everyAgencyDone(events: readonly RunEvent[]): { readonly at: number } | undefined {
  let doneAtOpen: number | undefined;
  for (let at = 0; at < events.length; at++) {
    const e = events[at] as RunEvent;
    if (!isLogRecord(e) || e.source !== 'server' || e.result !== 'success') continue;
    if (e.action === 'notificacion_recibida') {
      const [ready, expected] = (e.details.agencias_listas ?? '').split('/');
      if (ready !== undefined && ready !== '' && ready === expected) return { at };
    } else if (e.action === 'abrir_almacenamiento') {
      doneAtOpen = Number(e.details.done);
    } else if (e.action === 'servidor_escuchando' && doneAtOpen !== undefined && doneAtOpen > 0 && doneAtOpen === Number(e.details.agencias_esperadas)) {
      return { at };
    }
  }
  return undefined;
}

export function drawCondition(events: readonly RunEvent[], storedRows: number, agencies: number): CheckedCondition {
  const draws = select(events, 'server', 'sorteo', 'success');
  const recovered = select(events, 'server', 'sorteo_recuperado', 'success');
  const failed = select(events, 'server', 'sorteo', 'fail');
  const lastDone = everyAgencyDone(events);
  const problems: string[] = [];
  let drawn = draws[0];
  let seen = `${draws.length} draw(s)`;
  const firstRecovered = recovered[0];
  if (draws.length === 0 && firstRecovered) {
    const killedBefore = events.some((e, i) => i < firstRecovered.at && isProcessEnd(e) && e.source === 'server' && e.ended === 'unclean');
    if (killedBefore) {
      drawn = firstRecovered;
      seen = '0 draws logged (a server life was killed after recording it), recovered';
    } else {
      problems.push('0 draws, yet a restarted server recovered one, with no server life killed before it');
    }
  } else if (draws.length !== 1) {
    problems.push(`${draws.length} draws`);
  }
  const bets = Number(drawn?.e.details.apuestas);
  if (failed.length > 0) problems.push(`${failed.length} failed draw(s)`);
  if (drawn && bets !== storedRows) problems.push(`the draw counted ${bets} bets but bets.csv holds ${storedRows}`);
  if (drawn && lastDone && drawn.at < lastDone.at) problems.push('the draw ran before every agency was done');
  if (drawn && !lastDone) problems.push('no notice that every agency was done');
  for (const { e } of drawn ? recovered : []) {
    if (Number(e.details.apuestas) !== bets || e.details.ganadores !== drawn?.e.details.ganadores) {
      problems.push(`a restarted server recovered a different draw: apuestas ${e.details.apuestas}, ganadores ${e.details.ganadores}`);
    }
  }
  if (recovered.length > 0 && drawn !== firstRecovered) seen += `, ${recovered.length} recovered after restarts`;
  else if (recovered.length > 1) seen += ` ${recovered.length} times`;
  return { name: 'the draw ran exactly once', ok: problems.length === 0, detail: problems.length === 0 ? `${seen}, over ${bets} bets, after all ${agencies} agencies were done` : problems.join('; ') };
}
