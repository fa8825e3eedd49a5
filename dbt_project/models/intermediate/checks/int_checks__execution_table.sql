{# grain: one row per execution statement of a 决算 narrative (the 决算 amount it states for
   a subject) checked against the 一般公共预算财政拨款支出决算表 line of that subject:
   - narrative_execution_matches_table: 支出决算为B万元 = the table's 合计 on the subject's line.
   inputs: int_execution_statements (which resolves the subject; unresolved → skipped). #}
with statements as (
    select * from {{ ref('int_execution_statements') }}
    -- only the documents this build (slice) rebuilds: each row below is one statement's own
    where document_id in {{ rebuilt('document_id') }}
),

final as (
    select
        'narrative_execution_matches_table' as rule_id, document_id, cast(null as integer) as table_seq,
        'gpb_expense' as table_code, 'department' as scope, cast(null as varchar) as unit_code,
        cast(null as varchar) as side, figure_seq as row_seq, label || ': ' || sentence as line_label,
        subject_key, 'total' as measure, '万元' as amount_unit,
        final_amount_wan as lhs, table_amount_wan as rhs, 2 as n_terms, source_line,
        'table line ' || table_line as detail,
        case when table_amount_wan is null then 'no line of 一般公共预算财政拨款支出决算表 is ' || label end
            as missing_input
    from statements
)

{{ rule_check_rows('final') }}
