import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../app/api-client.js';
import { catalogEntityPath } from '../../app/entity-refs.js';
import { Pill } from '../../app/ui/pill.js';
import { ProblemDetails } from '../../app/ui/status.js';
import { type RegisterInput, type RegisterResult, useRegisterLocation } from './locations-api.js';

/** Register a git location, with a dry-run preview of the entities it would add. */
export function RegisterLocationForm({ onDone }: { onDone: () => void }) {
  const [target, setTarget] = useState('');
  const [ref, setRef] = useState('');
  const [path, setPath] = useState('');
  // What the last preview of exactly these inputs found: entities, or descriptor problems.
  const [preview, setPreview] = useState<
    | { input: string; result: RegisterResult; problems?: undefined }
    | { input: string; problems: ApiError; result?: undefined }
    | undefined
  >();
  const register = useRegisterLocation();

  const body = (): RegisterInput => ({
    type: 'git',
    target: target.trim(),
    options: { ...(ref.trim() ? { ref: ref.trim() } : {}), ...(path.trim() ? { path: path.trim() } : {}) },
  });
  const key = JSON.stringify(body());

  const run = (dryRun: boolean) => {
    register.mutate(
      { body: body(), dryRun },
      {
        onError: (error) => {
          // Descriptor problems do not block registering: good descriptors are read and the
          // problems are listed on the location. An unreachable target or a bad request does.
          if (dryRun && error instanceof ApiError && error.status === 400 && (error.problem.errors?.length ?? 0) > 0) {
            setPreview({ input: key, problems: error });
          } else if (dryRun) {
            setPreview(undefined);
          }
        },
        onSuccess: (result) => {
          if (dryRun) setPreview({ input: key, result });
          else {
            setPreview(undefined);
            setTarget('');
            setRef('');
            setPath('');
            onDone();
          }
        },
      },
    );
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    run(true);
  };
  const previewIsCurrent = preview?.input === key;

  return (
    <section className="card" data-testid="register-location">
      <h2>Register a location</h2>
      <p className="muted small">
        A git repository (URL or, for admins, a local path) holding catalog-info.yaml files. Preview first: nothing is
        saved until you register.
      </p>
      <form className="form form-inline" onSubmit={onSubmit}>
        <label className="grow">
          Repository
          <input
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder="https://git.example.com/team/service.git"
            required
          />
        </label>
        <label>
          Branch or tag
          <input value={ref} onChange={(e) => setRef(e.target.value)} placeholder="default branch" />
        </label>
        <label>
          Path or glob
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="catalog-info.yaml" />
        </label>
        <div className="form-actions">
          <button type="submit" className="btn" disabled={register.isPending || !target.trim()}>
            {register.isPending && register.variables?.dryRun ? 'Previewing…' : 'Preview'}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={register.isPending || !previewIsCurrent}
            title={previewIsCurrent ? undefined : 'Preview first'}
            onClick={() => run(false)}
          >
            {preview?.problems && previewIsCurrent ? 'Register anyway' : 'Register'}
          </button>
        </div>
      </form>
      {register.isError && <ProblemDetails error={register.error} />}
      {preview?.problems && previewIsCurrent && !register.isError && (
        <p className="muted small">
          The other descriptors are fine. Registering anyway reads them and lists these problems on the location until
          they are fixed.
        </p>
      )}
      {preview?.result && previewIsCurrent && <Preview result={preview.result} />}
    </section>
  );
}

function Preview({ result }: { result: RegisterResult }) {
  if (result.entities.length === 0) {
    return <div className="state state-empty">The location holds no entities. Check the path or glob.</div>;
  }
  return (
    <div className="preview" data-testid="location-preview">
      <strong>
        {result.entities.length} {result.entities.length === 1 ? 'entity' : 'entities'} would be added:
      </strong>
      <ul className="plain-list">
        {result.entities.map((entity) => {
          const ref =
            typeof entity === 'string'
              ? entity
              : `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`.toLowerCase();
          const kind = ref.split(':')[0] ?? '';
          return (
            <li key={ref} className="tree-row">
              <Pill tone="kind">{kind}</Pill>
              <Link to={catalogEntityPath(ref)}>{ref}</Link>
              {typeof entity !== 'string' && entity.metadata.description && (
                <span className="muted small">{entity.metadata.description}</span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
