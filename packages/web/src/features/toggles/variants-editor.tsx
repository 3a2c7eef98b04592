import { FieldError } from './field-error.js';
import type { PayloadType, Variant } from './toggles-api.js';
import { newVariant, STICKINESS } from './toggles-model.js';

const PAYLOAD_TYPES: PayloadType[] = ['string', 'json', 'csv', 'number'];

/**
 * Variants with weights, stickiness and payloads. `fix` weights are typed as a
 * percentage; `variable` ones share what is left, as the server computes.
 */
export function VariantsEditor({
  variants,
  onChange,
  errors,
  prefix,
}: {
  variants: Variant[];
  onChange: (variants: Variant[]) => void;
  errors: Record<string, string>;
  /** Field path of the list, as the server names it: `variants` or `strategies[0].variants`. */
  prefix: string;
}) {
  const update = (index: number, patch: Partial<Variant>) =>
    onChange(variants.map((v, i) => (i === index ? { ...v, ...patch } : v)));
  return (
    <div className="toggles-variants" data-testid={`variants-${prefix}`}>
      <FieldError errors={errors} path={prefix} />
      {variants.length === 0 && <p className="muted small">No variants: the flag is a plain on/off.</p>}
      {variants.map((variant, index) => {
        const at = `${prefix}[${index}]`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: variants are edited in place; names change while typing
          <div key={index} className="toggles-variant" data-testid="variant-row">
            <div className="toggles-row">
              <label className="toggles-field">
                <span>Name</span>
                <input
                  className="input toggles-input"
                  value={variant.name}
                  onChange={(event) => update(index, { name: event.target.value })}
                />
                <FieldError errors={errors} path={`${at}.name`} />
              </label>
              <label className="toggles-field">
                <span>Weight</span>
                <select
                  className="toggles-select"
                  value={variant.weightType ?? 'variable'}
                  onChange={(event) => update(index, { weightType: event.target.value as 'variable' | 'fix' })}
                >
                  <option value="variable">share the rest</option>
                  <option value="fix">fixed %</option>
                </select>
                <FieldError errors={errors} path={`${at}.weightType`} />
              </label>
              {variant.weightType === 'fix' ? (
                <label className="toggles-field toggles-field-narrow">
                  <span>%</span>
                  <input
                    className="input toggles-input"
                    type="number"
                    min={0}
                    max={100}
                    step={0.1}
                    value={variant.weight / 10}
                    onChange={(event) => update(index, { weight: Math.round(Number(event.target.value) * 10) })}
                  />
                  <FieldError errors={errors} path={`${at}.weight`} />
                </label>
              ) : (
                <span className="muted small toggles-weight">{variant.weight / 10}%</span>
              )}
              <label className="toggles-field">
                <span>Stickiness</span>
                <input
                  className="input toggles-input"
                  list="toggles-stickiness"
                  value={variant.stickiness ?? ''}
                  onChange={(event) => update(index, { stickiness: event.target.value || undefined })}
                />
                <FieldError errors={errors} path={`${at}.stickiness`} />
              </label>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => onChange(variants.filter((_, i) => i !== index))}
              >
                Remove
              </button>
            </div>
            <div className="toggles-row">
              <label className="toggles-field">
                <span>Payload</span>
                <select
                  className="toggles-select"
                  value={variant.payload?.type ?? ''}
                  onChange={(event) => {
                    const type = event.target.value as PayloadType | '';
                    update(index, { payload: type ? { type, value: variant.payload?.value ?? '' } : undefined });
                  }}
                >
                  <option value="">none</option>
                  {PAYLOAD_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {type}
                    </option>
                  ))}
                </select>
                <FieldError errors={errors} path={`${at}.payload.type`} />
              </label>
              {variant.payload && (
                <label className="toggles-field toggles-field-wide">
                  <span>Value</span>
                  <textarea
                    className="input toggles-input toggles-payload"
                    rows={variant.payload.type === 'json' ? 3 : 1}
                    value={variant.payload.value}
                    onChange={(event) =>
                      update(index, {
                        payload: { type: variant.payload?.type ?? 'string', value: event.target.value },
                      })
                    }
                  />
                  <FieldError errors={errors} path={`${at}.payload.value`} />
                  <FieldError errors={errors} path={`${at}.payload`} />
                </label>
              )}
            </div>
          </div>
        );
      })}
      <button
        type="button"
        className="btn btn-small"
        onClick={() => onChange([...variants, newVariant(variants.length)])}
      >
        Add variant
      </button>
      <datalist id="toggles-stickiness">
        {STICKINESS.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
    </div>
  );
}
