{# grain: one row per change on last year a narrative states with its rate, right after the
   figure it changes: "收入预算总计13649.07万元，与上年相比…增加844.15万元，增长6.59%"
   - narrative_yoy_change_rate: the stated rate = the change ÷ last year's figure (this year's
     less the change) × 100, to the 0.01 % it is printed to.
   inputs: stg narrative figures (metric yoy_change: amount the signed change, percent the
   rate, reference_amount this year's figure). #}
with documents as (
    select document_id from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
        -- only the documents this build (slice) rebuilds: each row below is one document's own
        and document_id in {{ rebuilt('document_id') }}
),

changes as (
    select f.*, f.reference_amount_wan - f.amount_wan as prior_wan
    from {{ ref('stg_raw__narrative_figures') }} as f
    inner join documents as d using (document_id)
    where f.metric = 'yoy_change' and f.percent is not null
),

final as (
    select
        'narrative_yoy_change_rate' as rule_id, document_id, cast(null as integer) as table_seq,
        'narrative' as table_code, 'department' as scope, cast(null as varchar) as unit_code,
        cast(null as varchar) as side, figure_seq as row_seq,
        coalesce(label || ': ', '') || sentence as line_label, cast(null as varchar) as subject_key,
        'yoy_change_rate' as measure, '万元' as amount_unit,
        cast(percent as decimal(24, 6)) as lhs,
        cast(round(abs(amount_wan) * 100 / nullif(prior_wan, 0), 2) as decimal(24, 6)) as rhs,
        1 as n_terms, source_line,
        'stated ' || percent::varchar || '% for a change of ' || amount_wan::varchar || ' on '
            || prior_wan::varchar || ' 万元 (' || reference_amount_wan::varchar || ' this year)' as detail,
        case when prior_wan = 0 then 'last year''s figure is 0' end as missing_input
    from changes
)

{{ rule_check_rows('final') }}
