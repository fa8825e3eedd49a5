{# grain: one row per part a narrative states with its share of a total:
   "本年支出合计9759.38万元，其中：基本支出5377.64万元，占55.10%；…"
   - narrative_share: the stated share = part ÷ the total the sentence opens with × 100,
     to the 0.01 % it is printed to.
   inputs: stg narrative figures (metric share: amount the part, percent the share,
   reference_amount the total). #}
with documents as (
    select document_id from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
        -- only the documents this build (slice) rebuilds: each row below is one document's own
        and document_id in {{ rebuilt('document_id') }}
),

shares as (
    select f.*
    from {{ ref('stg_raw__narrative_figures') }} as f
    inner join documents as d using (document_id)
    where f.metric = 'share'
),

final as (
    select
        'narrative_share' as rule_id, document_id, cast(null as integer) as table_seq, 'narrative' as table_code,
        'department' as scope, cast(null as varchar) as unit_code, cast(null as varchar) as side,
        figure_seq as row_seq, label || ': ' || sentence as line_label, cast(null as varchar) as subject_key,
        'share' as measure, '万元' as amount_unit,
        cast(percent as decimal(24, 6)) as lhs,
        cast(round(amount_wan * 100 / nullif(reference_amount_wan, 0), 2) as decimal(24, 6)) as rhs,
        1 as n_terms, source_line,
        'stated ' || percent::varchar || '% of ' || reference_amount_wan::varchar || ' 万元 for '
            || amount_wan::varchar || ' 万元' as detail,
        case when reference_amount_wan = 0 then 'the total is 0' end as missing_input
    from shares
)

{{ rule_check_rows('final') }}
