import { useState } from 'react';
import { errorMessage } from '../../app/api-client.js';
import { RequestApproval } from './change-requests.js';
import { isApprovalRequired } from './changes-api.js';
import { FieldError } from './field-error.js';
import { ListInput } from './list-input.js';
import { type Constraint, type Strategy, useSetStrategies } from './toggles-api.js';
import {
  CONSTRAINT_OPERATORS,
  fieldErrorsOf,
  isClaimed,
  newStrategy,
  STICKINESS,
  STRATEGY_KINDS,
  type StrategyKind,
  strategyFields,
  takesCase,
  takesList,
  unclaimedErrors,
  withOperator,
} from './toggles-model.js';
import { VariantsEditor } from './variants-editor.js';

const CONTEXT_FIELDS = ['userId', 'sessionId', 'remoteAddress', 'appName', 'environment', 'currentTime'];

/**
 * The ordered strategies of a flag in one environment, edited as a draft and saved
 * in one PUT. The server validates; its field errors appear beside the inputs they
 * name, and any it names that the editor has no input for appear above.
 */
export function StrategyEditor({
  project,
  flag,
  environment,
  strategies,
}: {
  project: string;
  flag: string;
  environment: string;
  strategies: Strategy[];
}) {
  const [draft, setDraft] = useState<Strategy[]>(strategies);
  const save = useSetStrategies(project, flag);
  const errors = save.isError ? fieldErrorsOf(save.error) : {};
  const fields = strategyFields(draft);
  const unclaimed = unclaimedErrors(errors, fields).filter(([field]) => !isClaimed(field, fields));
  const dirty = JSON.stringify(draft) !== JSON.stringify(strategies);
  const update = (index: number, next: Strategy) => setDraft(draft.map((s, i) => (i === index ? next : s)));
  const move = (index: number, by: number) => {
    const next = draft.slice();
    const [item] = next.splice(index, 1);
    if (item) next.splice(index + by, 0, item);
    setDraft(next);
  };

  return (
    <form
      className="toggles-strategies"
      data-testid="strategy-editor"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ environment, strategies: draft });
      }}
    >
      <RequestApproval
        error={save.error}
        project={project}
        flag={flag}
        environment={environment}
        change={{ action: 'strategies', strategies: draft }}
      />
      {save.isError && !isApprovalRequired(save.error) && (
        <div className="state state-error problem" role="alert" data-testid="strategy-errors">
          <span>{errorMessage(save.error)}</span>
          {unclaimed.length > 0 && (
            <ul className="problem-list">
              {unclaimed.map(([field, message]) => (
                <li key={field}>
                  {field}: {message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {draft.length === 0 && (
        <p className="muted small">No strategies: when the switch is on, everyone gets the flag.</p>
      )}
      {draft.map((strategy, index) => (
        <StrategyCard
          key={strategy.id ?? index}
          strategy={strategy}
          index={index}
          count={draft.length}
          flag={flag}
          errors={errors}
          onChange={(next) => update(index, next)}
          onRemove={() => setDraft(draft.filter((_, i) => i !== index))}
          onMove={(by) => move(index, by)}
        />
      ))}
      <div className="form-actions">
        <AddStrategy onAdd={(kind) => setDraft([...draft, newStrategy(kind, flag)])} />
        <span className="toggles-spacer" />
        {dirty && (
          <button type="button" className="btn btn-ghost" onClick={() => setDraft(strategies)}>
            Discard changes
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={!dirty || save.isPending}>
          {save.isPending ? 'Saving…' : 'Save strategies'}
        </button>
      </div>
    </form>
  );
}

function AddStrategy({ onAdd }: { onAdd: (kind: StrategyKind) => void }) {
  const [kind, setKind] = useState<StrategyKind>('flexibleRollout');
  return (
    <span className="toggles-row">
      <select
        className="toggles-select"
        aria-label="Strategy to add"
        value={kind}
        onChange={(event) => setKind(event.target.value as StrategyKind)}
      >
        {Object.entries(STRATEGY_KINDS).map(([name, { label }]) => (
          <option key={name} value={name}>
            {label}
          </option>
        ))}
      </select>
      <button type="button" className="btn" onClick={() => onAdd(kind)}>
        Add strategy
      </button>
    </span>
  );
}

function StrategyCard({
  strategy,
  index,
  count,
  flag,
  errors,
  onChange,
  onRemove,
  onMove,
}: {
  strategy: Strategy;
  index: number;
  count: number;
  flag: string;
  errors: Record<string, string>;
  onChange: (next: Strategy) => void;
  onRemove: () => void;
  onMove: (by: number) => void;
}) {
  const at = `strategies[${index}]`;
  const kind = STRATEGY_KINDS[strategy.name as StrategyKind];
  const [showVariants, setShowVariants] = useState(strategy.variants.length > 0);
  const setParameter = (name: string, value: string) =>
    onChange({ ...strategy, parameters: { ...strategy.parameters, [name]: value } });
  const setConstraint = (j: number, next: Constraint) =>
    onChange({ ...strategy, constraints: strategy.constraints.map((c, i) => (i === j ? next : c)) });

  return (
    <fieldset className="toggles-strategy card" data-testid="strategy" data-strategy={strategy.name}>
      <legend className="toggles-strategy-head">
        <strong>{kind?.label ?? strategy.name}</strong>
        <code className="muted small">{strategy.name}</code>
        {strategy.disabled && <span className="muted small">(disabled)</span>}
      </legend>
      <div className="toggles-strategy-tools">
        <button
          type="button"
          className="btn btn-ghost btn-small"
          disabled={index === 0}
          onClick={() => onMove(-1)}
          aria-label="Move up"
        >
          ↑
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          disabled={index === count - 1}
          onClick={() => onMove(1)}
          aria-label="Move down"
        >
          ↓
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={onRemove}>
          Remove strategy
        </button>
      </div>
      <FieldError errors={errors} path={`${at}.name`} />
      {strategy.name === 'flexibleRollout' && (
        <div className="toggles-row">
          <label className="toggles-field">
            <span>Rollout %</span>
            <span className="toggles-row">
              <input
                type="range"
                min={0}
                max={100}
                aria-label="Rollout slider"
                value={Number(strategy.parameters.rollout) || 0}
                onChange={(event) => setParameter('rollout', event.target.value)}
              />
              <input
                className="input toggles-input toggles-percent"
                aria-label="Rollout percentage"
                data-testid="rollout-input"
                inputMode="numeric"
                value={strategy.parameters.rollout ?? ''}
                onChange={(event) => setParameter('rollout', event.target.value)}
              />
            </span>
            <FieldError errors={errors} path={`${at}.parameters.rollout`} />
          </label>
          <label className="toggles-field">
            <span>Stickiness</span>
            <input
              className="input toggles-input"
              list="toggles-stickiness-strategy"
              value={strategy.parameters.stickiness ?? ''}
              onChange={(event) => setParameter('stickiness', event.target.value)}
            />
            <datalist id="toggles-stickiness-strategy">
              {STICKINESS.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
            <FieldError errors={errors} path={`${at}.parameters.stickiness`} />
          </label>
          <label className="toggles-field">
            <span>Group id</span>
            <input
              className="input toggles-input"
              placeholder={flag}
              value={strategy.parameters.groupId ?? ''}
              onChange={(event) => setParameter('groupId', event.target.value)}
            />
            <FieldError errors={errors} path={`${at}.parameters.groupId`} />
          </label>
        </div>
      )}
      {(['userIds', 'IPs', 'hostNames'] as const)
        .filter((name) => (kind?.parameters as readonly string[] | undefined)?.includes(name))
        .map((name) => (
          <label key={name} className="toggles-field toggles-field-wide">
            <span>{PARAMETER_LABEL[name]}</span>
            <input
              className="input toggles-input"
              placeholder="comma-separated"
              data-testid={`parameter-${name}`}
              value={strategy.parameters[name] ?? ''}
              onChange={(event) => setParameter(name, event.target.value)}
            />
            <FieldError errors={errors} path={`${at}.parameters.${name}`} />
          </label>
        ))}
      <div className="toggles-subhead">Constraints</div>
      {strategy.constraints.length === 0 && <p className="muted small">None: applies to every context.</p>}
      {strategy.constraints.map((constraint, j) => (
        <ConstraintRow
          // Constraints have no identity; the count in the key remounts rows after a removal so typed lists follow.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          key={`${j}/${strategy.constraints.length}`}
          constraint={constraint}
          at={`${at}.constraints[${j}]`}
          errors={errors}
          onChange={(next) => setConstraint(j, next)}
          onRemove={() => onChange({ ...strategy, constraints: strategy.constraints.filter((_, i) => i !== j) })}
        />
      ))}
      <div className="toggles-row">
        <button
          type="button"
          className="btn btn-small"
          onClick={() =>
            onChange({
              ...strategy,
              constraints: [...strategy.constraints, { contextName: 'userId', operator: 'IN', values: [] }],
            })
          }
        >
          Add constraint
        </button>
        {!showVariants && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setShowVariants(true)}>
            Strategy variants…
          </button>
        )}
      </div>
      {showVariants && (
        <>
          <div className="toggles-subhead">Strategy variants</div>
          <VariantsEditor
            variants={strategy.variants}
            prefix={`${at}.variants`}
            errors={errors}
            onChange={(variants) => onChange({ ...strategy, variants })}
          />
        </>
      )}
    </fieldset>
  );
}

const PARAMETER_LABEL = { userIds: 'User ids', IPs: 'IP addresses or CIDR ranges', hostNames: 'Host names' };

function ConstraintRow({
  constraint,
  at,
  errors,
  onChange,
  onRemove,
}: {
  constraint: Constraint;
  at: string;
  errors: Record<string, string>;
  onChange: (next: Constraint) => void;
  onRemove: () => void;
}) {
  const list = takesList(constraint.operator);
  return (
    <div className="toggles-constraint" data-testid="constraint-row">
      <label className="toggles-field">
        <span>Context field</span>
        <input
          className="input toggles-input"
          list="toggles-context-fields"
          data-testid="constraint-context"
          value={constraint.contextName}
          onChange={(event) => onChange({ ...constraint, contextName: event.target.value })}
        />
        <datalist id="toggles-context-fields">
          {CONTEXT_FIELDS.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <FieldError errors={errors} path={`${at}.contextName`} />
      </label>
      <label className="toggles-field">
        <span>Operator</span>
        <select
          className="toggles-select"
          data-testid="constraint-operator"
          value={constraint.operator}
          onChange={(event) => onChange(withOperator(constraint, event.target.value))}
        >
          {!(CONSTRAINT_OPERATORS as readonly string[]).includes(constraint.operator) && (
            <option value={constraint.operator}>{constraint.operator}</option>
          )}
          {CONSTRAINT_OPERATORS.map((op) => (
            <option key={op} value={op}>
              {op}
            </option>
          ))}
        </select>
        <FieldError errors={errors} path={`${at}.operator`} />
      </label>
      <div className="toggles-field toggles-field-wide">
        <span>{list ? 'Values' : 'Value'}</span>
        {list ? (
          <ListInput
            key={`${at}-list`}
            label="Values"
            placeholder="comma-separated"
            testId="constraint-values"
            values={constraint.values ?? []}
            onChange={(values) => onChange({ ...constraint, values })}
          />
        ) : (
          <input
            className="input toggles-input"
            aria-label="Value"
            data-testid="constraint-value"
            value={constraint.value ?? ''}
            onChange={(event) => onChange({ ...constraint, value: event.target.value })}
          />
        )}
        <FieldError errors={errors} path={`${at}.values`} />
        <FieldError errors={errors} path={`${at}.value`} />
      </div>
      <label className="toggles-check">
        <input
          type="checkbox"
          checked={constraint.inverted ?? false}
          onChange={(event) => onChange({ ...constraint, inverted: event.target.checked })}
        />
        not
      </label>
      {takesCase(constraint.operator) && (
        <label className="toggles-check">
          <input
            type="checkbox"
            checked={constraint.caseInsensitive ?? false}
            onChange={(event) => onChange({ ...constraint, caseInsensitive: event.target.checked })}
          />
          ignore case
        </label>
      )}
      <button type="button" className="btn btn-ghost btn-small" onClick={onRemove} aria-label="Remove constraint">
        ✕
      </button>
    </div>
  );
}
