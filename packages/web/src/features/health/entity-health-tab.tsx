import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, errorMessage } from '../../app/api-client.js';
import type { EntityName } from '../../app/entity-refs.js';
import { EntityLink } from '../../app/ui/entity-link.js';
import { Pill } from '../../app/ui/pill.js';
import { EmptyState, ErrorState, Loading } from '../../app/ui/status.js';
import { Time } from '../../app/ui/time.js';
import { AttestForm } from './attest-form.js';
import {
  type EntityHealth,
  healthRoutes,
  type RefreshReport,
  useEntityHealth,
  useEntityHistory,
  useHealthDefinitions,
  useRecheck,
} from './health-api.js';
import { LevelHistoryChart } from './health-charts.js';
import {
  attestationExpiry,
  type CheckView,
  levelChanges,
  levelColour,
  otherChecks,
  statusLabel,
  statusTone,
  type TrackView,
  trackViews,
} from './health-model.js';
import './health.css';

/**
 * The Health tab of an entity page: per track the level reached and the next one,
 * each level's checks with result, message and fix, manual checks with their
 * attestation (and a form for owners), "Re-check now", and the level history.
 */
export function EntityHealthTab({ entity }: { entity: EntityName }) {
  const health = useEntityHealth(entity);
  const definitions = useHealthDefinitions();

  if (health.isPending || definitions.isPending) return <Loading label="Loading tech health…" />;
  if (health.isError) return <ErrorState error={health.error} onRetry={() => health.refetch()} />;
  if (definitions.isError) return <ErrorState error={definitions.error} onRetry={() => definitions.refetch()} />;

  const data = health.data;
  const tracks = trackViews(data, definitions.data);
  const others = otherChecks(data, definitions.data);
  const canChange = Boolean(data.viewer?.canChange);

  return (
    <div className="page health-tab" data-testid="health-tab">
      <section className="card">
        <div className="card-head">
          <div>
            <h2>Tech health</h2>
            <span className="muted small" data-testid="health-evaluated">
              {data.evaluatedAt ? (
                <>
                  evaluated <Time iso={data.evaluatedAt} />
                </>
              ) : (
                'not evaluated yet'
              )}
              {data.ownerRef && (
                <>
                  {' '}
                  · owned by <EntityLink entityRef={data.ownerRef} defaultKind="group" />
                </>
              )}
            </span>
          </div>
          {canChange && <RecheckButton entity={entity} entityRef={data.entityRef} />}
        </div>
        {tracks.length === 0 ? (
          <EmptyState title="No track applies here yet.">
            {data.evaluatedAt
              ? 'No track concerns this kind of entity.'
              : 'Facts are collected every hour; an owner can re-check now.'}
          </EmptyState>
        ) : (
          <div className="health-summary">
            {tracks.map((track) => (
              <TrackSummary key={track.track} track={track} />
            ))}
          </div>
        )}
        <FactErrors facts={data.facts} />
      </section>

      {tracks.map((track) => (
        <TrackCard key={track.track} track={track} entity={entity} canChange={canChange} />
      ))}

      {others.length > 0 && (
        <section className="card" data-testid="health-other-checks">
          <h2>Other checks</h2>
          <ul className="health-checks">
            {others.map((check) => (
              <CheckRow key={check.check} check={check} entity={entity} canChange={canChange} />
            ))}
          </ul>
        </section>
      )}

      <HistoryCard entity={entity} tracks={tracks} />
    </div>
  );
}

function LevelPill({ level, title, rank }: { level: string | null; title: string; rank: number }) {
  return (
    <span className="health-level" data-level={level ?? 'none'} data-testid="health-level">
      <span className="health-level-dot" style={{ background: levelColour(level, rank) }} aria-hidden="true" />
      {title}
    </span>
  );
}

function TrackSummary({ track }: { track: TrackView }) {
  return (
    <div className="health-track-summary" data-testid="track-summary" data-track={track.track}>
      <span className="muted small">{track.title}</span>
      <LevelPill level={track.level} title={track.levelTitle} rank={track.rank} />
      <span className="small" data-testid="track-next">
        {track.next ? (
          <>
            Next: <strong>{track.next.title}</strong>
            {track.next.failing.length > 0 && (
              <>
                {' '}
                — fix {track.next.failing.length} check{track.next.failing.length === 1 ? '' : 's'}
              </>
            )}
          </>
        ) : (
          'Top level reached'
        )}
      </span>
    </div>
  );
}

function TrackCard({ track, entity, canChange }: { track: TrackView; entity: EntityName; canChange: boolean }) {
  return (
    <section className="card" data-testid="track-card" data-track={track.track}>
      <div className="card-head">
        <h2>{track.title}</h2>
        <LevelPill level={track.level} title={track.levelTitle} rank={track.rank} />
      </div>
      {track.description && <p className="muted small">{track.description}</p>}
      <ol className="health-levels">
        {track.levels.map((level, i) => (
          <li
            key={level.name}
            className={`health-level-block${level.reached ? ' reached' : ''}`}
            data-testid="level-block"
            data-level={level.name}
            data-reached={level.reached}
          >
            <div className="health-level-head">
              <LevelPill level={level.name} title={level.title} rank={i + 1} />
              <span className="small muted">
                {level.checks.filter((c) => c.status !== 'failed').length} of {level.checks.length} pass
                {level.reached ? ' · reached' : level.passed ? ' · passes, held back by a lower level' : ''}
              </span>
            </div>
            <ul className="health-checks">
              {level.checks.map((check) => (
                <CheckRow key={check.check} check={check} entity={entity} canChange={canChange} />
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}

function CheckRow({ check, entity, canChange }: { check: CheckView; entity: EntityName; canChange: boolean }) {
  const [attesting, setAttesting] = useState(false);
  const expiry = check.attestation ? attestationExpiry(check.attestation) : undefined;
  return (
    <li className="health-check" data-testid="check-row" data-check={check.check} data-status={check.status ?? 'none'}>
      <div className="health-check-head">
        <Pill tone={statusTone(check.status)}>{statusLabel(check.status)}</Pill>
        <strong>{check.title}</strong>
        {check.manual && <Pill tone="info">manual</Pill>}
      </div>
      <p className="health-message" data-testid="check-message">
        {check.message}
      </p>
      {check.status === 'failed' && check.fix && (
        <p className="health-fix small" data-testid="check-fix">
          <strong>How to fix:</strong> {check.fix}
        </p>
      )}
      {check.manual && (
        <div className="health-attestation small" data-testid="attestation">
          {check.attestation && expiry ? (
            <>
              Attested <strong>{check.attestation.status}</strong> by {check.attestation.by}{' '}
              <Time iso={check.attestation.at} /> ·{' '}
              <span className={expiry.expired ? 'error-text' : 'muted'} data-testid="attestation-expiry">
                {expiry.label}
              </span>
              {check.attestation.note && <span className="muted"> · “{check.attestation.note}”</span>}
            </>
          ) : (
            <span className="muted">Not attested yet; an attestation lasts {check.manual.expiresAfterDays} days.</span>
          )}
          {canChange && check.status !== 'not-applicable' && !attesting && (
            <button type="button" className="btn btn-small" onClick={() => setAttesting(true)}>
              {check.attestation ? 'Attest again' : 'Attest'}
            </button>
          )}
        </div>
      )}
      {attesting && <AttestForm entity={entity} check={check} onDone={() => setAttesting(false)} />}
    </li>
  );
}

function RecheckButton({ entity, entityRef }: { entity: EntityName; entityRef: string }) {
  const recheck = useRecheck(entity);
  return (
    <div className="health-recheck">
      <button
        type="button"
        className="btn"
        disabled={recheck.isPending}
        onClick={() => recheck.mutate(entityRef)}
        data-testid="recheck"
      >
        {recheck.isPending ? 'Re-checking…' : 'Re-check now'}
      </button>
      {recheck.isSuccess && (
        <span className="small muted" data-testid="recheck-report">
          {recheckSummary(recheck.data)}
        </span>
      )}
      {recheck.isError && (
        <span className="small error-text" role="alert">
          {errorMessage(recheck.error)}
        </span>
      )}
    </div>
  );
}

/** What a re-check found, in a sentence. */
export function recheckSummary(report: RefreshReport | { queued: boolean }): string {
  if (!('collection' in report)) return 'Queued; results follow shortly.';
  const { collection, evaluation } = report;
  const facts =
    collection.changed === 0
      ? 'facts unchanged'
      : `${collection.changed} fact set${collection.changed === 1 ? '' : 's'} changed`;
  const levels =
    evaluation.levelChanges === 0
      ? 'no level moved'
      : `${evaluation.levelChanges} level${evaluation.levelChanges === 1 ? '' : 's'} moved`;
  const errors = collection.errors.length > 0 ? `; ${collection.errors.length} collector error(s)` : '';
  return `Re-checked: ${facts}, ${levels}${errors}.`;
}

function FactErrors({ facts }: { facts: EntityHealth['facts'] }) {
  const failing = Object.entries(facts).filter(([, f]) => f.error);
  if (failing.length === 0) return null;
  return (
    <div className="state state-error small" data-testid="fact-errors">
      {failing.map(([collector, f]) => (
        <div key={collector}>
          Facts from <strong>{collector}</strong> could not be collected: {f.error}
        </div>
      ))}
    </div>
  );
}

function HistoryCard({ entity, tracks }: { entity: EntityName; tracks: TrackView[] }) {
  const history = useEntityHistory(entity);
  if (history.isPending) return <Loading label="Loading history…" />;
  if (history.isError) {
    if (history.error instanceof ApiError && history.error.status === 404) return null;
    return <ErrorState error={history.error} onRetry={() => history.refetch()} />;
  }
  const changes = levelChanges(history.data);
  const titleOf = (track: string) => tracks.find((t) => t.track === track)?.title ?? track;
  const levelTitle = (track: string, level: string | null) =>
    level === null
      ? 'not certified'
      : (tracks.find((t) => t.track === track)?.levels.find((l) => l.name === level)?.title ?? level);
  return (
    <section className="card" data-testid="health-history">
      <div className="card-head">
        <h2>Certification history</h2>
        <Link className="small" to={healthRoutes.dashboard()}>
          Tech health dashboard
        </Link>
      </div>
      <LevelHistoryChart
        history={history.data}
        tracks={tracks.map((t) => ({ track: t.track, title: t.title, levels: t.levels.map((l) => l.title) }))}
        now={new Date().toISOString()}
      />
      {changes.length > 0 && (
        <ul className="plain-list health-changes">
          {changes.slice(0, 10).map((change) => (
            <li key={`${change.track}-${change.at}`} data-testid="level-change">
              <Time iso={change.at} /> · {titleOf(change.track)}:{' '}
              {change.first
                ? `first evaluated: ${levelTitle(change.track, change.to)}`
                : `${levelTitle(change.track, change.from)} → ${levelTitle(change.track, change.to)}`}
              {!change.first &&
                (change.up ? <span className="health-up"> ▲</span> : <span className="health-down"> ▼</span>)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
