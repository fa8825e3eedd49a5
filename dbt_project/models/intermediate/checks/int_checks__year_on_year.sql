{# grain: one row per year-on-year statement × (amount, percent).
   A statement "比2019年预算增加206.19万元，增长2.04%" is checked against this
   year's total and the prior year's total where the document prints it (the
   funds block of its performance form); otherwise it is skipped, saying so.
   inputs: stg_raw__narrative_figures, int_narrative_figures_deduplicated. #}
with documents as (
    select document_id, fiscal_year from {{ ref('stg_raw__source_documents') }}
    where load_status = 'loaded'
        -- only the documents this build (slice) rebuilds: each row below is one document's own
        and document_id in {{ rebuilt('document_id') }}
),

statements as (
    select * from {{ ref('stg_raw__narrative_figures') }}
    where metric = 'yoy_change_total'
),

totals as (
    select document_id, fiscal_year, metric, amount_wan, source_line
    from {{ ref('int_narrative_figures_deduplicated') }}
    where metric in ('expense_total', 'income_total')
    qualify row_number() over (
        partition by document_id, fiscal_year
        order by case metric when 'expense_total' then 0 else 1 end, figure_seq
    ) = 1
),

joined as (
    select
        s.*,
        cur.amount_wan as current_total,
        prior.amount_wan as prior_total,
        prior.source_line as prior_line
    from statements as s
    inner join documents as d using (document_id)
    left join totals as cur on cur.document_id = s.document_id and cur.fiscal_year = d.fiscal_year
    left join totals as prior on prior.document_id = s.document_id and prior.fiscal_year = s.reference_year
),

amounts as (
    select
        'narrative_yoy_amount' as rule_id,
        document_id,
        figure_seq as row_seq,
        sentence,
        'yoy_change_total' as measure,
        amount_wan as lhs,
        current_total - prior_total as rhs,
        3 as n_terms,
        source_line,
        'this year ' || coalesce(current_total::varchar, '?') || ' − ' || reference_year || ' ' || coalesce(prior_total::varchar, '?')
            || coalesce(' (line ' || prior_line || ')', '') as detail,
        case
            when prior_total is null then 'the ' || reference_year || ' total is not printed in the document'
            when current_total is null then 'this year''s total'
        end as missing_input
    from joined
),

percents as (
    select
        'narrative_yoy_percent' as rule_id,
        document_id,
        figure_seq as row_seq,
        sentence,
        'yoy_percent' as measure,
        percent as lhs,
        cast((current_total - prior_total) * 100 / nullif(prior_total, 0) as decimal(24, 6)) as rhs,
        1 as n_terms,
        source_line,
        'stated ' || coalesce(percent::varchar || '%', 'no rate') || ' vs change ÷ ' || reference_year || ' total' as detail,
        case
            when percent is null then 'no growth rate stated'
            when prior_total is null then 'the ' || reference_year || ' total is not printed in the document'
            when current_total is null then 'this year''s total'
        end as missing_input
    from joined
),

unioned as (
    select * from amounts
    union all
    select * from percents
),

final as (
    select
        rule_id, document_id, cast(null as integer) as table_seq, 'narrative' as table_code,
        'department' as scope, cast(null as varchar) as unit_code, cast(null as varchar) as side,
        row_seq, sentence as line_label, cast(null as varchar) as subject_key, measure,
        '万元' as amount_unit, lhs, rhs, n_terms, source_line, detail, missing_input
    from unioned
)

{{ rule_check_rows('final') }}
