{# grain: one row per printed table line × row identity (合计 = Σ its columns).
   inputs: int_budget_cells_classified, row_identities seed. A blank cell is zero. #}
with cells as (
    select * from {{ ref('int_budget_cells_classified') }}
),

identities as (
    select
        rule_id,
        table_code,
        side,
        total_measure,
        string_split(component_measures, '|') as components
    from {{ ref('row_identities') }}
),

final as (
    select
        i.rule_id,
        c.document_id,
        c.table_seq,
        c.table_code,
        c.scope,
        c.unit_code,
        c.side,
        c.row_seq,
        any_value(c.line_label) as line_label,
        any_value(c.subject_key) as subject_key,
        i.total_measure as measure,
        any_value(c.amount_unit) as amount_unit,
        coalesce(sum(c.amount_wan) filter (where c.measure = i.total_measure), 0) as lhs,
        coalesce(sum(c.amount_wan) filter (where list_contains(i.components, c.measure)), 0) as rhs,
        count(*) filter (where list_contains(i.components, c.measure)) + 1 as n_terms,
        min(c.source_line) as source_line,
        'printed columns: ' || string_agg(c.measure || '=' || c.amount_text, ', ' order by c.column_no) as detail,
        cast(null as varchar) as missing_input
    from cells as c
    inner join identities as i
        on i.table_code = c.table_code
        and (i.side is null or i.side = c.side)
    where c.measure = i.total_measure or list_contains(i.components, c.measure)
    group by i.rule_id, i.total_measure, c.document_id, c.table_seq, c.table_code, c.scope, c.unit_code, c.side, c.row_seq
)

select * from final
