{# grain: one row per execution statement of a 决算 narrative × rule:
   "年初预算为A万元，支出决算为B万元，完成年初预算的C%。决算数小于预算数…"
   - narrative_execution_rate: the stated C = B ÷ A × 100, to the 0.01 % it is printed to;
   - narrative_execution_direction: the stated 大于 / 小于 / 持平 = the sign of B − A.
   A is the budget the statement names for each (年初 or 全年), else the last it gives.
   inputs: int_execution_statements (the statement's figures, pivoted). #}
with statements as (
    select * from {{ ref('int_execution_statements') }}
    -- only the documents this build (slice) rebuilds: each row below is one statement's own
    where document_id in {{ rebuilt('document_id') }}
),

rates as (
    select
        'narrative_execution_rate' as rule_id,
        document_id,
        figure_seq as row_seq,
        coalesce(label || ': ', '') || sentence as line_label,
        'execution_rate' as measure,
        stated_rate as lhs,
        round(final_amount_wan * 100 / nullif(rate_reference_wan, 0), 2) as rhs,
        source_line,
        'stated ' || stated_rate::varchar || '% of ' || rate_reference_wan::varchar || ' 万元; 决算 '
            || final_amount_wan::varchar || ' 万元' as detail,
        -- 社工部 2024 states 年初预算为0万元 and 完成年初预算的95.89%: no rate of 0 to check
        case when rate_reference_wan = 0 then 'the budget the rate is stated against is 0' end as missing_input
    from statements
    where stated_rate is not null
),

directions as (
    select
        'narrative_execution_direction' as rule_id,
        document_id,
        figure_seq as row_seq,
        coalesce(label || ': ', '') || sentence as line_label,
        'execution_direction' as measure,
        case stated_direction when 'greater' then 1 when 'less' then -1 when 'equal' then 0 end as lhs,
        sign(final_amount_wan - direction_reference_wan) as rhs,
        source_line,
        'stated ' || stated_direction || '; 决算 ' || final_amount_wan::varchar || ' vs 预算 '
            || direction_reference_wan::varchar || ' 万元 (1 greater, 0 equal, −1 less)' as detail,
        cast(null as varchar) as missing_input
    from statements
    where stated_direction is not null
),

unioned as (
    select * from rates
    union all
    select * from directions
),

final as (
    select
        rule_id, document_id, cast(null as integer) as table_seq, 'narrative' as table_code,
        'department' as scope, cast(null as varchar) as unit_code, cast(null as varchar) as side,
        row_seq, line_label, cast(null as varchar) as subject_key, measure,
        '万元' as amount_unit, cast(lhs as decimal(24, 6)) as lhs, cast(rhs as decimal(24, 6)) as rhs,
        1 as n_terms, source_line, detail, missing_input
    from unioned
)

{{ rule_check_rows('final') }}
